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
    ///
    /// The hot path, `tools/call`, reads and writes JSON with Closr's own parser and writer, without
    /// Foundation's coders or the SDK's `Value` tree (see Benchmarks/mcp-fetch.sh).
    public func answer(_ body: [UInt8]) async -> MCPHTTPAnswer {
        let message: JSONValue
        do {
            message = try JSONValue(parsingRequestBody: body)
        } catch is JSONValue.NULCharacterInString {
            return Self.rejection(.parseError("Strings in the message must not contain the NUL character (\\u0000)."))
        } catch {
            return Self.rejection(.parseError("The body is not one JSON-RPC message: it is not valid JSON."))
        }
        guard message.objectMembers != nil else {
            if case .array = message {
                return Self.rejection(.invalidRequest("Batches of JSON-RPC messages are not accepted: send one message per POST."))
            }
            return Self.rejection(.invalidRequest("A JSON-RPC message is an object."))
        }
        guard message["jsonrpc"] == .string("2.0") else { return Self.rejection(.invalidRequest("\"jsonrpc\" must be \"2.0\".")) }
        let id = message["id"]
        switch id {
        case nil, .string?, .int?: break
        default: return Self.rejection(.invalidRequest("\"id\" must be a string or a whole number."))
        }
        guard case .string(let method)? = message["method"] else {
            // The client's answer to a request of ours carries a result or an error: nothing to answer.
            if message["method"] == nil, message["result"] != nil || message["error"] != nil { return MCPHTTPAnswer(status: 202, body: nil) }
            let error = MCPError.invalidRequest("\"method\" (a string) is missing.")
            return id.map { Self.reply(id: $0, error: error) } ?? Self.rejection(error)
        }
        // A notification (no id): nothing to answer.
        guard let id else { return MCPHTTPAnswer(status: 202, body: nil) }
        let params = message["params"]
        do {
            switch method {
            case CallTool.name:
                guard case .string(let name)? = params?["name"] else {
                    throw MCPError.invalidParams("tools/call takes \"name\" (a string) and \"arguments\" (an object).")
                }
                var arguments: [String: JSONValue] = [:]
                switch params?["arguments"] {
                case nil, .null?: break
                case .object(let pairs)?: for (key, value) in pairs { arguments[key] = value }
                default: throw MCPError.invalidParams("\"arguments\" must be an object.")
                }
                return Self.reply(id: id, result: await Self.run(name, arguments: arguments, tools: tools, api: api).result)
            case Initialize.name:
                guard case .string(let requested)? = params?["protocolVersion"] else {
                    throw MCPError.invalidParams("initialize takes \"protocolVersion\", \"capabilities\" and \"clientInfo\".")
                }
                let version = Version.supported.contains(requested) ? requested : Version.latest
                return Self.reply(id: id, result: try Self.encoded(Initialize.Result(
                    protocolVersion: version, capabilities: Self.capabilities, serverInfo: Self.info, instructions: Self.instructions
                )))
            case Ping.name:
                return Self.reply(id: id, result: .object([]))
            case ListTools.name:
                return Self.reply(id: id, result: try Self.encoded(toolList))
            default:
                throw MCPError.methodNotFound("This server has no method \"\(method)\": it offers initialize, ping, tools/list and tools/call.")
            }
        } catch let error as MCPError {
            return Self.reply(id: id, error: error)
        } catch {
            return Self.reply(id: id, error: .internalError(String(describing: error)))
        }
    }

    /// An SDK result type, written by its own `Encodable` (initialize and tools/list only).
    private static func encoded(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return .raw(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    private static func reply(id: JSONValue, result: JSONValue) -> MCPHTTPAnswer {
        MCPHTTPAnswer(status: 200, body: JSONValue.object([("jsonrpc", "2.0"), ("id", id), ("result", result)]).serialized())
    }

    private static func reply(id: JSONValue, error: MCPError) -> MCPHTTPAnswer {
        MCPHTTPAnswer(status: 200, body: JSONValue.object([("jsonrpc", "2.0"), ("id", id), ("error", errorObject(error))]).serialized())
    }

    private static func errorObject(_ error: MCPError) -> JSONValue {
        .object([("code", .int(error.code)), ("message", .string(error.errorDescription ?? "\(error)"))])
    }

    /// A JSON-RPC error without a request id to answer (the message could not be read): HTTP 400.
    private static func rejection(_ error: MCPError) -> MCPHTTPAnswer {
        MCPHTTPAnswer(status: 400, body: errorMessage(code: error.code, message: error.errorDescription ?? "\(error)"))
    }

    /// A JSON-RPC error message answering no request id: for a message that could not be read, and for
    /// the HTTP endpoint's refusals before any message is read (with the HTTP status in `data`).
    public static func errorMessage(code: Int, message: String, data: JSONValue? = nil) -> [UInt8] {
        var error: [(String, JSONValue)] = [("code", .int(code)), ("message", .string(message))]
        if let data { error.append(("data", data)) }
        return JSONValue.object([("jsonrpc", "2.0"), ("id", .null), ("error", .object(error))]).serialized()
    }
}
