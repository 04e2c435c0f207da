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

    /// Close's MCP arguments beyond the API's names: date ranges and sort_by on lists, close_at for an
    /// opportunity's date_won, 'clear' to empty a field, null as "not given", search_id paging.
    @Test func closesArgumentsFilterSortAndClear() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let server = CloseMCPServer(api: ClosrClient(baseURL: "http://127.0.0.1:\(app.port!)/api/v1/", apiKey: env.secret), access: Set(ToolAccess.allCases))
            func data(_ name: String, _ arguments: [String: Value]) async -> [String: Value] {
                let result = await Self.call(name, arguments, server)
                #expect(result.isError == false, "\(name): \(Self.text(result))")
                return result.structuredContent?.objectValue ?? [:]
            }
            let leadID = try #require(await data("create_lead", ["name": .string("Ranges Co")])["lead"]?.objectValue?["id"]?.stringValue)
            var ids: [String: String] = [:]
            for (label, value, confidence, closeAt) in [("small", 1_000, 90, "2030-01-10"), ("big", 900_000, 20, "2030-03-10"), ("mid", 50_000, 50, "2030-02-10")] {
                let opportunity = await data("create_opportunity", ["lead_id": .string(leadID), "value": .int(value), "confidence": .int(confidence), "close_at": .string(closeAt)])
                ids[label] = opportunity["opportunity"]?.objectValue?["id"]?.stringValue
                #expect(opportunity["opportunity"]?.objectValue?["date_won"]?.stringValue == closeAt)
            }
            func order(_ arguments: [String: Value]) async -> [String] {
                await data("find_opportunities", arguments.merging(["lead_id": .string(leadID)]) { first, _ in first })["opportunities"]?.arrayValue?
                    .compactMap { $0.objectValue?["id"]?.stringValue } ?? []
            }
            #expect(await order(["sort_by": "largest_value"]) == [ids["big"], ids["mid"], ids["small"]])
            #expect(await order(["sort_by": "largest_confidence"]) == [ids["small"], ids["mid"], ids["big"]])
            #expect(await order(["sort_by": "closing_soonest"]) == [ids["small"], ids["mid"], ids["big"]])
            #expect(await order(["close_at": .object(["gte": "2030-02-01", "lt": "2030-03-01"])]) == [ids["mid"]])
            #expect(await order(["close_at": .object(["start": "2030-02-01"]), "sort_by": "closing_soonest"]) == [ids["mid"], ids["big"]])
            let badBound = await Self.call("find_opportunities", ["close_at": .object(["after": "2030-01-01"])], server)
            #expect(badBound.isError == true && Self.text(badBound).contains("not a bound"))
            let badSort = await Self.call("find_opportunities", ["sort_by": "oldest"], server)
            #expect(badSort.isError == true && Self.text(badSort).contains("largest_value"))

            let cleared = await data("update_opportunity", ["id": .string(ids["mid"]!), "value": "clear", "close_at": "clear", "note": .null, "confidence": .int(60)])
            let opportunity = cleared["object"]?.objectValue
            #expect(opportunity?["value"] == .null && opportunity?["date_won"] == .null && opportunity?["confidence"]?.intValue == 60)
            // Empty values sort last, whichever the direction and the database.
            #expect(await order(["sort_by": "largest_value"]) == [ids["big"], ids["small"], ids["mid"]])
            #expect(await order(["sort_by": "closing_soonest"]) == [ids["small"], ids["big"], ids["mid"]])
            let twice = await Self.call("find_opportunities", ["close_at": .object(["start": "2030-01-01", "gte": "2030-02-01"])], server)
            #expect(twice.isError == true && Self.text(twice).contains("twice"))

            // Parallel create_address calls on one lead keep every address.
            await withTaskGroup(of: Void.self) { group in
                for number in 1...6 {
                    group.addTask {
                        _ = await Self.call("create_address", ["lead_id": .string(leadID), "label": "business", "address_1": .string("\(number) Main St"),
                                                               "city": "Tucson", "state": "AZ", "zipcode": "85701", "country": "US"], server)
                    }
                }
            }
            let addresses = await data("fetch_lead", ["id": .string(leadID)])["object"]?.objectValue?["addresses"]?.arrayValue ?? []
            #expect(Set(addresses.compactMap { $0.objectValue?["address_1"]?.stringValue }) == Set((1...6).map { "\($0) Main St" }))

            let contactID = try #require(await data("create_contact", ["lead_id": .string(leadID), "name": "Ada"])["contact"]?.objectValue?["id"]?.stringValue)
            let task = await data("create_task", ["lead_id": .string(leadID), "text": "Call", "due_date": "2031-05-01", "contact_id": .string(contactID), "send_notification": true])
            let taskID = try #require(task["task"]?.objectValue?["id"]?.stringValue)
            #expect(await data("find_tasks", ["lead_id": .string(leadID), "due_date": .object(["lte": "2031-05-31"])])["tasks"]?.arrayValue?.count == 1)
            #expect(await data("find_tasks", ["lead_id": .string(leadID), "due_date": .object(["gt": "2031-05-31"])])["tasks"]?.arrayValue?.count == 0)
            let undated = await data("update_task", ["id": .string(taskID), "due_date": "clear", "contact_id": "clear"])["object"]?.objectValue
            #expect(undated?["date"] == .null && undated?["contact_id"] == .null, "\(String(describing: undated))")

            _ = await data("create_note", ["lead_id": .string(leadID), "note": "Old", "activity_at": "2020-01-01T10:00:00+00:00"])
            _ = await data("create_note", ["lead_id": .string(leadID), "note": "New"])
            let recent = await data("find_notes", ["lead_id": .string(leadID), "activity_at": .object(["gte": "2025-01-01"])])["notes"]?.arrayValue
            #expect(recent?.compactMap { $0.objectValue?["note"]?.stringValue } == ["New"])
            let old = await data("activity_search", ["lead_ids": .array([.string(leadID)]), "activity_at": .object(["lt": "2025-01-01"])])["activities"]?.arrayValue
            #expect(old?.compactMap { $0.objectValue?["note"]?.stringValue } == ["Old"])
        }
    }

    @Test func aSearchIDCarriesItsSearchAndRefusesForgeries() {
        let search = SavedSearch(tool: .search, query: "name:\"Ünïcødé Co\" + more/words?")
        let read = SavedSearch(id: search.id)
        #expect(read?.tool == .search && read?.query == search.query)
        #expect(search.id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        for forged in ["share_abc", "srch_", "srch_!!!!", "srch_" + "bm9uZQ", "srch_" + "c2VhcmNo"] {
            #expect(SavedSearch(id: forged) == nil, "\(forged)")
        }
    }
}
