import ClosrClient
import ClosrCore
import ClosrModel
import Foundation
import HummingbirdTesting
import MCP
import Testing

@testable import ClosrMCP
@testable import ClosrServer

/// The MCP tool layer against a live server and a real database: every tool with wrong types, missing
/// required arguments, unknown ids and huge values is a tool error (never a crash), tools are offered by
/// the key's scopes, and a created lead is found and fetched again.
@Suite struct MCPToolTests {
    static func call(_ name: String, _ arguments: [String: Value], _ server: CloseMCPServer) async -> CallTool.Result {
        await CloseMCPServer.call(CallTool.Parameters(name: name, arguments: arguments), tools: server.tools, api: server.api)
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { return text } else { return nil } }.joined(separator: " ")
    }

    @Test func everyToolRefusesBadArgumentsWithAToolError() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let client = ClosrClient(baseURL: "http://127.0.0.1:\(app.port!)/api/v1/", apiKey: env.secret)
            let server = CloseMCPServer(api: client, access: try await CloseMCPServer.access(of: client))
            #expect(server.tools.count == CloseToolCatalogue.all.count, "a full key is offered every tool")
            for tool in server.tools {
                for (property, _) in tool.properties {
                    let wrong = await Self.call(tool.name, [property: .array([.int(1), .int(2)])], server)
                    #expect(wrong.isError == true, "\(tool.name) took a list for \(property)")
                    let huge = await Self.call(tool.name, [property: .string(String(repeating: "x", count: 200_000))], server)
                    #expect(huge.isError == true, "\(tool.name) took 200,000 characters for \(property)")
                }
                if !tool.required.isEmpty {
                    let missing = await Self.call(tool.name, [:], server)
                    #expect(missing.isError == true && Self.text(missing).contains("required"), "\(tool.name): \(Self.text(missing))")
                }
                if tool.required == ["id"], !tool.name.hasPrefix("update_") {
                    let unknown = await Self.call(tool.name, ["id": .string("lead_unknown0000")], server)
                    #expect(unknown.isError == true && Self.text(unknown).contains("404"), "\(tool.name): \(Self.text(unknown))")
                }
                let extra = await Self.call(tool.name, ["no_such_argument": .bool(true)], server)
                #expect(extra.isError == true && Self.text(extra).contains("Unknown argument"), "\(tool.name)")
            }
            #expect(await Self.call("not_a_tool", [:], server).isError == true)
        }
    }

    @Test func toolsFollowTheKeysScopesAndWorkEndToEnd() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let base = "http://127.0.0.1:\(app.port!)/api/v1/"
            let admin = ClosrClient(baseURL: base, apiKey: env.secret)
            let readOnlyKey = try #require(try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "agent", "scopes": ["read_only"]}"#).json["key"] as? String)
            let readOnly = ClosrClient(baseURL: base, apiKey: readOnlyKey)
            #expect(try await CloseMCPServer.access(of: readOnly) == [.read])
            let inboundKey = try #require(try await app.json(.post, "/api/v1/api_key/", key: env.secret, #"{"label": "site", "scopes": ["inbound"]}"#).json["key"] as? String)
            #expect(try await CloseMCPServer.access(of: ClosrClient(baseURL: base, apiKey: inboundKey)).isEmpty)

            let server = CloseMCPServer(api: admin, access: Set(ToolAccess.allCases))
            let created = await Self.call("create_lead", [
                "name": .string("Agent Co"), "contacts": .array([.object(["name": .string("Ada"), "emails": .array([.object(["email": .string("ada@agent.example")])])])]),
            ], server)
            #expect(created.isError == false, "\(Self.text(created))")
            let leadID = try #require(created.structuredContent?.objectValue?["lead"]?.objectValue?["id"]?.stringValue)
            let found = await Self.call("lead_search", ["name": .string("Agent Co")], server)
            #expect(found.structuredContent?.objectValue?["leads"]?.arrayValue?.first?.objectValue?["id"]?.stringValue == leadID)
            let opportunity = await Self.call("create_opportunity", ["lead_id": .string(leadID), "value": .int(99_900), "confidence": .int(40)], server)
            #expect(opportunity.structuredContent?.objectValue?["opportunity"]?.objectValue?["value_in_currency_units"]?.doubleValue == 999)
            let note = await Self.call("create_note", ["lead_id": .string(leadID), "note": .string("Met")], server)
            let noteID = try #require(note.structuredContent?.objectValue?["note"]?.objectValue?["id"]?.stringValue)
            #expect(await Self.call("fetch", ["id": .string(noteID)], server).structuredContent?.objectValue?["object"]?.objectValue?["note"]?.stringValue == "Met")
            let task = await Self.call("create_task", ["lead_id": .string(leadID), "text": .string("Call"), "due_date": .string("2031-01-02")], server)
            let taskID = try #require(task.structuredContent?.objectValue?["task"]?.objectValue?["id"]?.stringValue)
            let moved = await Self.call("update_task", ["id": .string(taskID), "due_date": .string("2031-02-03")], server)
            #expect(moved.structuredContent?.objectValue?["object"]?.objectValue?["date"]?.stringValue == "2031-02-03", "\(Self.text(moved))")
            let readOnlyServer = CloseMCPServer(api: readOnly, access: [.read])
            #expect(readOnlyServer.tools.allSatisfy { $0.access == .read })
            #expect(await Self.call("delete_lead", ["id": .string(leadID)], readOnlyServer).isError == true)
            #expect(await Self.call("fetch_lead", ["id": .string(leadID)], readOnlyServer).isError == false)
        }
    }
}
