import ClosrCore
import ClosrModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Lead creations that arrive together are committed together (`InsertBatcher`): each request must
/// still get its own lead, stored with its own contacts and its own `created` event.
@Suite struct ConcurrentLeadCreationTests {
    @Test func everyConcurrentCreationIsStoredWithItsContactsAndEvent() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp(.live) { client in
            let created = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 0..<60 {
                    group.addTask {
                        let body = #"{"name": "Batch \#(n)", "contacts": [{"name": "A\#(n)"}, {"name": "B\#(n)"}]}"#
                        let response = try await client.json(.post, "/api/v1/lead/", key: key, body)
                        #expect(response.status == .ok)
                        return (n, try #require(response.json["id"] as? String))
                    }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            #expect(Set(created.map(\.1)).count == 60)
            for (n, id) in created {
                let lead = try await client.json(.get, "/api/v1/lead/\(id)/", key: key).json
                #expect(lead["name"] as? String == "Batch \(n)")
                let contacts = try #require(lead["contacts"] as? [[String: Any]])
                #expect(Set(contacts.compactMap { $0["name"] as? String }) == ["A\(n)", "B\(n)"])
            }
            let list = try await client.json(.get, "/api/v1/lead/?_limit=1", key: key).json
            #expect(list["total_results"] as? Int == 60)
            var events = Set<String>()
            var cursor: String?
            repeat {
                let page = try await client.json(
                    .get, "/api/v1/event/?object_type=lead&action=created" + (cursor.map { "&_cursor=\($0)" } ?? ""), key: key
                ).json
                for event in page["data"] as? [[String: Any]] ?? [] {
                    events.insert(event["object_id"] as? String ?? "")
                    // The event carries the lead as it was created, as an object.
                    let data = event["data"] as? [String: Any]
                    #expect(data?["id"] as? String == event["object_id"] as? String)
                    #expect((data?["name"] as? String)?.hasPrefix("Batch ") == true && (data?["contacts"] as? [Any])?.count == 2)
                }
                cursor = page["cursor_next"] as? String
            } while cursor != nil
            #expect(events == Set(created.map(\.1)))
        }
    }
}
