import ClosrModel
import Foundation
import MCP

/// One HTTP answer of the MCP endpoint: a status and, unless the message needed none, a JSON body.
public struct MCPHTTPAnswer: Sendable {
    public let status: Int
    /// A JSON-RPC response; nil for 202 (a notification or a client's response was received).
    public let body: [UInt8]?
}

extension CloseMCPServer {
    /// Answers one message of MCP's Streamable HTTP transport (a POST's body), without a session.
    ///
    /// Each POST carries everything it needs (the key in its headers, the tool's arguments in its body), so
    /// any node answers any message and nothing is kept between them: `initialize` negotiates the version
    /// and says what the server offers, `tools/list` and `tools/call` work with or without it (a client may
    /// call a tool straight away, as the SDK's non-strict server allows), `ping` answers, notifications and
    /// a client's responses get 202. The answer is always a single JSON object (Streamable HTTP allows it
    /// in place of an event stream); batches, which the protocol dropped in 2025-06-18, are refused.
    /// Malformed JSON-RPC is a JSON-RPC error (HTTP 400); a tool's failure is a tool result with
    /// `isError`, as over stdio.
    public func answer(_ body: [UInt8]) async -> MCPHTTPAnswer {
        struct Envelope: Decodable {
            let jsonrpc: String?
            let id: ID?
            let method: String?
        }
        let data = Data(body)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            return Self.rejection(first == UInt8(ascii: "[")
                ? .invalidRequest("Batches of JSON-RPC messages are not accepted: send one message per POST.")
                : .parseError("The body is not one JSON-RPC message: \(Self.reason(error))"))
        }
        guard envelope.jsonrpc == "2.0" else { return Self.rejection(.invalidRequest("\"jsonrpc\" must be \"2.0\".")) }
        guard let method = envelope.method, let id = envelope.id else {
            // A notification (no id) or the client's answer to a request of ours: nothing to answer.
            return MCPHTTPAnswer(status: 202, body: nil)
        }
        do {
            switch method {
            case Initialize.name:
                let request = try Self.decode(Request<Initialize>.self, data)
                let version = Version.supported.contains(request.params.protocolVersion) ? request.params.protocolVersion : Version.latest
                return try Self.reply(Initialize.response(id: id, result: Initialize.Result(
                    protocolVersion: version, capabilities: Self.capabilities, serverInfo: Self.info, instructions: Self.instructions
                )))
            case Ping.name:
                return try Self.reply(Ping.response(id: id))
            case ListTools.name:
                return try Self.reply(ListTools.response(id: id, result: toolList))
            case CallTool.name:
                let request = try Self.decode(Request<CallTool>.self, data)
                return try Self.reply(CallTool.response(id: id, result: await Self.call(request.params, tools: tools, api: api)))
            default:
                return try Self.reply(Self.error(id: id, MCPError.methodNotFound("This server has no method \"\(method)\": it offers initialize, ping, tools/list and tools/call.")))
            }
        } catch let error as MCPError {
            return (try? Self.reply(Self.error(id: id, error))) ?? Self.rejection(error)
        } catch {
            return Self.rejection(.internalError(Self.reason(error)))
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw MCPError.invalidParams("The message's params are not what the method takes: \(reason(error))")
        }
    }

    /// An error answer to a request (the SDK's responses carry their method only as a type; any will do).
    private static func error(id: ID, _ error: MCPError) -> Response<Ping> {
        Ping.response(id: id, error: error)
    }

    private static func reply<M: Method>(_ response: Response<M>) throws -> MCPHTTPAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return MCPHTTPAnswer(status: 200, body: Array(try encoder.encode(response)))
    }

    /// A JSON-RPC error without a request id to answer (the message could not be read): HTTP 400.
    private static func rejection(_ error: MCPError) -> MCPHTTPAnswer {
        let body: JSONValue = ["jsonrpc": "2.0", "id": .null, "error": ["code": .int(error.code), "message": .string(error.errorDescription ?? "\(error)")]]
        return MCPHTTPAnswer(status: 400, body: body.serialized())
    }

    /// A decoding error in one line, naming the member (Foundation's descriptions run to paragraphs).
    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "\"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "\"\(path)\": ") + context.debugDescription
        default: return String(describing: error)
        }
    }
}
