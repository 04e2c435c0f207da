import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// `POST /mcp` as an MCP client sees it over HTTP: keys in every header Close's clients use, tools by the
/// key's scopes narrowed by `Close-Scope`, refusals and malformed messages as JSON-RPC errors with their
/// HTTP status, every tool's bad arguments a tool error, and each tool call an ordinary API request of
/// the key (its events, its rate limit, its log lines).
@Suite struct MCPHTTPTests {
    /// One JSON-RPC message; the answer's status and body.
    static func mcp(
        _ app: any TestClientProtocol, _ headers: HTTPFields, _ message: String, path: String = "/mcp"
    ) async throws -> (status: Int, json: [String: Any]) {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.accept] = "application/json, text/event-stream"
        let response = try await app.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: message))
        return (Int(response.status.code), response.json)
    }

    static func call(_ app: any TestClientProtocol, _ headers: HTTPFields, _ tool: String, _ arguments: String) async throws -> [String: Any] {
        let answer = try await mcp(app, headers, #"{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "\#(tool)", "arguments": \#(arguments)}}"#)
        #expect(answer.status == 200)
        return answer.json["result"] as? [String: Any] ?? [:]
    }

    static func toolNames(_ app: any TestClientProtocol, _ headers: HTTPFields) async throws -> Set<String> {
        let answer = try await mcp(app, headers, #"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#)
        let tools = (answer.json["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []
        return Set(tools.compactMap { $0["name"] as? String })
    }

    static func errorMessage(_ json: [String: Any]) -> String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    static func errorCode(_ json: [String: Any]) -> Int? { (json["error"] as? [String: Any])?["code"] as? Int }
    static func text(_ result: [String: Any]) -> String {
        (result["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined(separator: " ")
    }

    static let list = #"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#
    static let closeKey = HTTPField.Name("Close-API-Key")!
    static let closeScope = HTTPField.Name("Close-Scope")!

    @Test func keysAreReadFromEveryHeaderAndRefusalsAreJSONRPCErrorsWithTheirStatus() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { app in
            let everyWay: [HTTPFields] = [Credential.basic(env.secret), Credential.bearer(env.secret), Credential.apiKeyHeader(env.secret), [Self.closeKey: env.secret]]
            for var headers in everyWay {
                headers[Self.closeScope] = "mcp.write_destructive"
                #expect(try await Self.toolNames(app, headers).contains("delete_lead"))
            }
            let missing = try await Self.mcp(app, [:], Self.list)
            #expect(missing.status == 401 && Self.errorCode(missing.json) == -32004 && Self.errorMessage(missing.json).contains("Unauthorized"))
            let unknown = try await Self.mcp(app, [Self.closeKey: "closr_" + String(repeating: "A", count: 43)], Self.list)
            #expect(unknown.status == 401)

            let created = try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "agent"}"#).json
            let (keyID, key) = (try #require(created["id"] as? String), try #require(created["key"] as? String))
            #expect(try await Self.toolNames(app, [Self.closeKey: key]).count > 20)
            #expect(try await app.json(.delete, "/api/v1/api_key/\(keyID)/", key: env.secret).status == .ok)
            let revoked = try await Self.mcp(app, [Self.closeKey: key], Self.list)
            #expect(revoked.status == 401 && Self.errorMessage(revoked.json).contains("revoked"), "\(revoked.json)")

            let inbound = try #require(try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "site", "scopes": ["inbound"]}"#).json["key"] as? String)
            let refusedInbound = try await Self.mcp(app, Credential.apiKeyHeader(inbound), Self.list)
            #expect(refusedInbound.status == 403 && Self.errorMessage(refusedInbound.json).contains("inbound"))

            var badScope = Credential.apiKeyHeader(env.secret)
            badScope[Self.closeScope] = "mcp.admin"
            let refusedScope = try await Self.mcp(app, badScope, Self.list)
            #expect(refusedScope.status == 400 && Self.errorMessage(refusedScope.json).contains("mcp.write_safe"))

            let get = try await app.execute(uri: "/mcp", method: .get, headers: Credential.basic(env.secret))
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST")
            var form = Credential.basic(env.secret)
            form[.contentType] = "application/x-www-form-urlencoded"
            #expect(try await app.execute(uri: "/mcp", method: .post, headers: form, body: ByteBuffer(string: "a=b")).status == .unsupportedMediaType)
            let huge = #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "lead_search", "arguments": {"name": ""# + String(repeating: "x", count: 2_000_000) + #""}}}"#
            // Refused by its Content-Length before the route runs, so in the API's own error shape.
            let tooLarge = try await Self.mcp(app, Credential.basic(env.secret), huge)
            #expect(tooLarge.status == 413 && (tooLarge.json["error"] as? String ?? "").contains("\(env.config.maxBodyBytes)"), "\(tooLarge.status) \(tooLarge.json)")
        }
    }

    @Test func malformedMessagesAreJSONRPCErrorsAndNotificationsAreAccepted() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { app in
            let key = Credential.basic(env.secret)
            let notJSON = try await Self.mcp(app, key, "{nope")
            #expect(notJSON.status == 400 && Self.errorCode(notJSON.json) == -32700)
            let batch = try await Self.mcp(app, key, "[" + Self.list + "]")
            #expect(batch.status == 400 && Self.errorCode(batch.json) == -32600 && Self.errorMessage(batch.json).contains("one message per POST"))
            let oldVersion = try await Self.mcp(app, key, #"{"jsonrpc": "1.0", "id": 1, "method": "ping"}"#)
            #expect(oldVersion.status == 400 && Self.errorCode(oldVersion.json) == -32600)
            let unknownMethod = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": "x", "method": "resources/list"}"#)
            #expect(unknownMethod.status == 200 && unknownMethod.json["id"] as? String == "x" && Self.errorCode(unknownMethod.json) == -32601)
            let badParams = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": 3}}"#)
            #expect(badParams.status == 200 && Self.errorCode(badParams.json) == -32602)
            let notification = try await app.execute(uri: "/mcp", method: .post, headers: key + [.contentType: "application/json"],
                                                     body: ByteBuffer(string: #"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#))
            #expect(notification.status == .accepted && notification.body.readableBytes == 0)
            #expect(try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": 3, "method": "ping"}"#).json["result"] is [String: Any])
            let numberMethod = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": 4, "method": 5}"#)
            #expect(numberMethod.status == 200 && numberMethod.json["id"] as? Int == 4 && Self.errorCode(numberMethod.json) == -32600)
            let noMethod = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": "n"}"#)
            #expect(noMethod.json["id"] as? String == "n" && Self.errorCode(noMethod.json) == -32600)
            let clientAnswer = try await app.execute(uri: "/mcp", method: .post, headers: key + [.contentType: "application/json"],
                                                     body: ByteBuffer(string: #"{"jsonrpc": "2.0", "id": 9, "result": {}}"#))
            #expect(clientAnswer.status == .accepted)
            let floatID = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}"#)
            #expect(floatID.status == 400 && Self.errorCode(floatID.json) == -32600)
            let nul = try await Self.mcp(app, key, #"{"jsonrpc": "2.0", "id": 1, "method": "ping\u0000"}"#)
            #expect(nul.status == 400 && Self.errorMessage(nul.json).contains("NUL"))

            let initialize = #"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "VERSION", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}"#
            let known = try await Self.mcp(app, key, initialize.replacingOccurrences(of: "VERSION", with: "2025-06-18"))
            let result = try #require(known.json["result"] as? [String: Any])
            #expect(result["protocolVersion"] as? String == "2025-06-18")
            #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "closr")
            #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
            let future = try await Self.mcp(app, key, initialize.replacingOccurrences(of: "VERSION", with: "2099-01-01"))
            #expect(((future.json["result"] as? [String: Any])?["protocolVersion"] as? String ?? "") < "2099")
            // The query string is ignored: one connector per organization is `…/mcp?1`, `…/mcp?2`.
            #expect(try await Self.mcp(app, key, Self.list, path: "/mcp?2").status == 200)
        }
    }

    @Test func toolsAreTheKeysScopesNarrowedByCloseScope() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { app in
            func headers(_ key: String, _ scope: String?) -> HTTPFields {
                var fields: HTTPFields = [Self.closeKey: key]
                if let scope { fields[Self.closeScope] = scope }
                return fields
            }
            let all = try await Self.toolNames(app, headers(env.secret, "mcp.write_destructive"))
            let read = try await Self.toolNames(app, headers(env.secret, "mcp.read"))
            #expect(try await Self.toolNames(app, headers(env.secret, nil)) == read, "without Close-Scope an agent may only read")
            let safe = try await Self.toolNames(app, headers(env.secret, "mcp.write_safe"))
            #expect(read.isSubset(of: safe) && safe.isSubset(of: all) && read.count < safe.count && safe.count < all.count)
            #expect(read.contains("fetch_lead") && !read.contains("create_lead"))
            #expect(safe.contains("create_lead") && !safe.contains("update_lead") && !safe.contains("delete_lead"))
            #expect(try await Self.toolNames(app, headers(env.secret, "offline_access mcp.write_safe")) == safe)
            // Named twice (a proxy's pinned scope and the client's), the narrowest wins.
            #expect(try await Self.toolNames(app, headers(env.secret, "mcp.write_destructive, mcp.read")) == read)
            var twice: HTTPFields = [Self.closeKey: env.secret]
            twice.append(HTTPField(name: Self.closeScope, value: "mcp.read"))
            twice.append(HTTPField(name: Self.closeScope, value: "mcp.write_destructive"))
            #expect(try await Self.toolNames(app, twice) == read)

            let readOnly = try #require(try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "ro", "scopes": ["read_only"]}"#).json["key"] as? String)
            #expect(try await Self.toolNames(app, headers(readOnly, "mcp.write_safe")) == read)
            #expect(try await Self.toolNames(app, headers(readOnly, "mcp.write_destructive")) == read, "a header cannot widen the key")
            let refused = try await Self.call(app, headers(env.secret, "mcp.read"), "create_lead", #"{"name": "Nope"}"#)
            #expect(refused["isError"] as? Bool == true && Self.text(refused).contains("Unknown tool"))
            #expect(try await app.json(.get, "/api/v1/lead/?query=Nope", key: env.secret).json["total_results"] as? Int == 0)
        }
    }

    @Test func everyToolRefusesBadArgumentsOverHTTPAndTheServerServesOn() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { app in
            var key = Credential.basic(env.secret)
            key[Self.closeScope] = "mcp.write_destructive"
            let listed = try await Self.mcp(app, key, Self.list)
            let tools = (listed.json["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []
            #expect(tools.count >= 30)
            for tool in tools {
                let name = try #require(tool["name"] as? String)
                let schema = try #require(tool["inputSchema"] as? [String: Any])
                #expect(schema["type"] as? String == "object")
                let properties = (schema["properties"] as? [String: Any] ?? [:]).keys
                for property in properties {
                    let wrong = try await Self.call(app, key, name, #"{"\#(property)": [1, {"a": null}]}"#)
                    #expect(wrong["isError"] as? Bool == true, "\(name) took a list for \(property)")
                }
                if let required = schema["required"] as? [String], !required.isEmpty {
                    let missing = try await Self.call(app, key, name, "{}")
                    #expect(missing["isError"] as? Bool == true && Self.text(missing).contains("required"), "\(name): \(Self.text(missing))")
                }
                if (schema["required"] as? [String]) == ["id"] {
                    let unknown = try await Self.call(app, key, name, #"{"id": "lead_unknown0000"}"#)
                    #expect(unknown["isError"] as? Bool == true, "\(name) found an unknown id")
                }
            }
            #expect(try await app.json(.get, "/healthz", key: nil).status == .ok)
        }
    }

    @Test func toolCallsAreOrdinaryAPIRequestsOfTheKey() async throws {
        let env = try await TestEnvironment.make(rateLimit: RateLimitPolicy(limit: 4, windowSeconds: 86_400))
        try await env.withApp { app in
            let created = try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "agent"}"#).json
            let (keyID, key) = (try #require(created["id"] as? String), try #require(created["key"] as? String))
            let headers: HTTPFields = [Self.closeKey: key, Self.closeScope: "mcp.write_safe", .userAgent: "claude-code/2.0"]
            let lead = try await Self.call(app, headers, "create_lead", #"{"name": "Agent Made", "contacts": [{"name": "Ada"}]}"#)
            let leadID = try #require(((lead["structuredContent"] as? [String: Any])?["lead"] as? [String: Any])?["id"] as? String)
            let fetched = try await Self.call(app, headers, "fetch_lead", #"{"id": "\#(leadID)"}"#)
            #expect(((fetched["structuredContent"] as? [String: Any])?["object"] as? [String: Any])?["name"] as? String == "Agent Made")

            // The lead's creation is in the event log under the key, from the agent's user agent.
            let events = try await app.json(.get, "/api/v1/event/?object_id=\(leadID)&action=created", key: env.secret).json["data"] as? [[String: Any]] ?? []
            #expect(events.first?["api_key_id"] as? String == keyID)
            #expect(env.logs.all.contains { $0.contains("POST /api/v1/lead/ 200") } && env.logs.all.contains { $0.contains("GET /api/v1/lead/\(leadID)/ 200") })
            let keys = try await app.json(.get, "/api/v1/api_key/", key: env.secret).json["data"] as? [[String: Any]] ?? []
            let used = (keys.first { $0["id"] as? String == keyID })?["last_used"] as? [String: Any]
            #expect(used?["user_agent"] as? String == "claude-code/2.0", "\(String(describing: used))")

            // The key's rate limit counts the tool's API calls: 4 per hour, two used, then a 429 tool error.
            _ = try await Self.call(app, headers, "fetch_lead", #"{"id": "\#(leadID)"}"#)
            _ = try await Self.call(app, headers, "fetch_lead", #"{"id": "\#(leadID)"}"#)
            let limited = try await Self.call(app, headers, "fetch_lead", #"{"id": "\#(leadID)"}"#)
            #expect(limited["isError"] as? Bool == true && Self.text(limited).contains("429"), "\(Self.text(limited))")
        }
    }
}

private func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
    var fields = lhs
    for field in rhs { fields[field.name] = field.value }
    return fields
}
