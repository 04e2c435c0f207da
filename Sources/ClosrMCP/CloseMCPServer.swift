import ClosrClient
import ClosrModel
import Foundation
import MCP

/// An MCP server with Close's tools (``CloseToolCatalogue``) on a ``CloseAPI``: over stdio in front of any
/// Close-compatible base URL through ``ClosrClient`` (`closr mcp --url BASE --api-key KEY`), and over
/// Streamable HTTP at the server's `/mcp` on its in-process API (``answer(_:)``).
///
/// `tools/list` shows only what the key may call (a `read_only` key sees the read tools); a call of any
/// other tool, bad arguments, an unknown id or an API refusal is a tool error result carrying Close's
/// message, never a crash. Every call is an ordinary API request of the key (last use, rate limit, audit).
public struct CloseMCPServer: Sendable {
    let api: any CloseAPI
    let access: Set<ToolAccess>

    public init(api: any CloseAPI, access: Set<ToolAccess>) {
        self.api = api
        self.access = access
    }

    /// What the key may do, from its scopes as Closr lists them (`/api_key/`, matched by the key's
    /// 12-character preview): `full` → every tool, `read_only` → read tools, `inbound` → none. An API
    /// without that list (Close, 404) gets every tool and refuses what the key may not do itself. An unknown
    /// or revoked key, or any other failure, is an error here, before any tool is offered.
    public static func access(of client: ClosrClient) async throws -> Set<ToolAccess> {
        let body: [UInt8]
        do {
            body = try await client.send(.GET, "api_key/", query: [("_limit", "1000")])
        } catch let error as CloseError where error.status == 401 {
            throw error
        } catch let error as CloseError where error.status == 403 {
            return []
        } catch let error as CloseError where error.status == 404 || error.status == 405 {
            // An API without Closr's key list (Close): it refuses itself what the key may not do.
            return Set(ToolAccess.allCases)
        }
        let keys = (try? JSONValue(parsing: body))?["data"].map { value -> [JSONValue] in
            if case .array(let items) = value { return items }
            return []
        } ?? []
        let preview = String(client.configuration.apiKey.prefix(12))
        guard let mine = keys.first(where: { $0["preview"] == .string(preview) }), case .array(let scopes)? = mine["scopes"] else {
            return Set(ToolAccess.allCases)
        }
        return ToolAccess.allowed(byKeyScopes: Set(scopes.compactMap { if case .string(let name) = $0 { return name } else { return nil } }))
    }

    var tools: [CloseTool] { CloseToolCatalogue.all.filter { access.contains($0.access) } }

    static let info = Server.Info(name: "closr", version: "1.0", title: "Closr (Close-compatible CRM)")
    static let instructions = "Close CRM tools. Money is in cents. Resolve names to ids first (lead_search, find_lead_statuses); confirm before deleting."
    static let capabilities = Server.Capabilities(tools: .init(listChanged: false))

    /// `tools/list`: the tools this key may call, each with its JSON Schema and hints.
    var toolList: ListTools.Result {
        ListTools.Result(tools: tools.map { tool in
            Tool(
                name: tool.name, description: tool.description, inputSchema: Self.mcpValue(tool.inputSchema),
                annotations: .init(readOnlyHint: tool.access == .read, destructiveHint: tool.access == .destructive)
            )
        })
    }

    /// The MCP `Server` with the tools registered, ready to start on a transport.
    public func makeServer() async -> Server {
        let server = Server(
            name: Self.info.name, version: Self.info.version, title: Self.info.title, instructions: Self.instructions,
            capabilities: Self.capabilities
        )
        let list = toolList
        let tools = self.tools
        let api = self.api
        await server.withMethodHandler(ListTools.self) { _ in list }
        await server.withMethodHandler(CallTool.self) { call in
            await Self.call(call, tools: tools, api: api)
        }
        return server
    }

    /// Serves over standard input and output until the client closes them.
    public func runOverStdio() async throws {
        let server = await makeServer()
        try await server.start(transport: LineStdioTransport())
        await server.waitUntilCompleted()
    }

    /// A tool call over stdio: the SDK's arguments in, the SDK's result out, through ``run(_:arguments:tools:api:)``.
    static func call(_ call: CallTool.Parameters, tools: [CloseTool], api: any CloseAPI) async -> CallTool.Result {
        var members: [String: JSONValue] = [:]
        do {
            for (name, value) in call.arguments ?? [:] { members[name] = try jsonValue(value) }
        } catch let error as ToolError {
            return CallTool.Result(content: [.text(text: error.message, annotations: nil, _meta: nil)], isError: true)
        } catch {
            return CallTool.Result(content: [.text(text: String(describing: error), annotations: nil, _meta: nil)], isError: true)
        }
        switch await run(call.name, arguments: members, tools: tools, api: api) {
        case .output(let output):
            return CallTool.Result(
                content: [.text(text: output.summary, annotations: nil, _meta: nil),
                          .text(text: String(decoding: output.data.serialized(), as: UTF8.self), annotations: nil, _meta: nil)],
                structuredContent: Optional<Value>.some(mcpValue(output.data)), isError: false
            )
        case .failure(let message):
            return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
        }
    }

    /// Runs one tool: its output, or the message of a tool error (bad arguments, a tool this key may not
    /// call, the API's refusal with Close's message and field errors). Never throws: a model reads the
    /// message and tries again.
    static func run(_ name: String, arguments: [String: JSONValue], tools: [CloseTool], api: any CloseAPI) async -> ToolOutcome {
        guard let tool = tools.first(where: { $0.name == name }) else {
            return .failure("Unknown tool \"\(name)\" (or not allowed for this key): tools/list shows what you may call.")
        }
        do {
            return .output(try await tool.run(try ToolArguments(arguments, allowed: tool.argumentNames), api))
        } catch let error as ToolError {
            return .failure(error.message)
        } catch let error as CloseError {
            let fields = error.fieldErrors.keys.sorted().map { "\($0): \(error.fieldErrors[$0]!)" }.joined(separator: "; ")
            return .failure("Close API \(error.status): \(error.message)" + (fields.isEmpty || error.message.contains(fields) ? "" : " (\(fields))"))
        } catch {
            return .failure(String(describing: error))
        }
    }

    static func mcpValue(_ value: JSONValue) -> Value {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let values): return .array(values.map(mcpValue))
        case .object(let members): return .object(Dictionary(members.map { ($0.0, mcpValue($0.1)) }, uniquingKeysWith: { first, _ in first }))
        case .raw(let text): return mcpValue((try? JSONValue(parsing: Array(text.utf8))) ?? .null)
        }
    }

    static func jsonValue(_ value: Value) throws -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let values): return .array(try values.map(jsonValue))
        case .object(let members): return .object(try members.sorted { $0.key < $1.key }.map { ($0.key, try jsonValue($0.value)) })
        case .data: throw ToolError("Binary data is not an accepted argument.")
        }
    }
}
