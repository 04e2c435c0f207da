import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Every key change is an event with who and from where — never the secret.
@Suite struct AuditTrailTests {
    @Test func keyChangesAreRecordedWithWhoAndWhere() async throws {
        let env = try await TestEnvironment.make(trustedProxies: ["127.0.0.1"])
        let admin = env.secret
        let adminUserID = env.bootstrapKey.key.userID
        try await env.withApp(.live) { client in
            let proxied: HTTPFields = [.xForwardedFor: "203.0.113.7", .userAgent: "audit-test/1.0"]
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "audited"}"#, headers: proxied)
            let id = try #require(created.json["id"] as? String)
            let secret = try #require(created.json["key"] as? String)
            let rotated = try await client.json(.post, "/api/v1/api_key/\(id)/rotate/", key: admin, headers: proxied)
            let successorID = try #require(rotated.json["id"] as? String)
            _ = try await client.json(.delete, "/api/v1/api_key/\(successorID)/", key: admin, headers: proxied)

            let log = try await client.json(.get, "/api/v1/event/?object_type=api_key", key: admin)
            #expect(log.status == .ok)
            #expect(!log.text.contains(secret))
            #expect(log.json["cursor_next"] is NSNull)
            let events = try #require(log.json["data"] as? [[String: Any]])
            let actions = events.map { "\($0["action"] as? String ?? "?") \($0["object_id"] as? String ?? "?")" }
            #expect(actions == ["revoked \(successorID)", "rotated \(id)", "created \(successorID)", "created \(id)", "created \(env.bootstrapKey.key.id)"])
            for event in events.prefix(4) {
                #expect(event["user_id"] as? String == adminUserID)
                #expect(event["api_key_id"] as? String == env.bootstrapKey.key.id)
                #expect((event["request_id"] as? String)?.hasPrefix("req_") == true)
                let meta = try #require(event["meta"] as? [String: Any])
                #expect(meta["ip"] as? String == "203.0.113.7")
                #expect(meta["user_agent"] as? String == "audit-test/1.0")
                #expect(event["previous_data"] != nil && event["data"] != nil)
            }
            let revoked = events[0]
            #expect(revoked["changed_fields"] as? [String] == ["status", "date_revoked"])
            #expect((revoked["previous_data"] as? [String: Any])?["status"] as? String == "active")
            #expect((revoked["data"] as? [String: Any])?["status"] as? String == "revoked")
        }
    }

    @Test func expiriesAreRecordedBySweep() async throws {
        let env = try await TestEnvironment.make()
        let scope = OrgScope(organizationID: env.organizationID, store: env.store)
        let created = try await env.services.apiKeys.create(
            in: scope, userID: env.bootstrapKey.key.userID, label: "brief",
            expiresAt: CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + 1_000_000),
            origin: RequestOrigin(userID: env.bootstrapKey.key.userID)
        )
        #expect(try await env.services.apiKeys.recordExpiries() == 0)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await env.services.apiKeys.recordExpiries() == 1)
        #expect(try await env.services.apiKeys.recordExpiries() == 0)
        let admin = env.secret
        try await env.withApp { client in
            let log = try await client.json(.get, "/api/v1/event/?object_id=\(created.key.id)&action=expired", key: admin)
            let events = try #require(log.json["data"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect((events.first?["data"] as? [String: Any])?["status"] as? String == "expired")
        }
    }

    @Test func theEventLogPagesByCursorAndFiltersByDate() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let start = CloseTimestamp.now()
            for index in 0..<7 {
                _ = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "k\#(index)"}"#)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/event/?date_updated__gte=\(start.iso8601.replacingOccurrences(of: "+", with: "%2B"))&_limit=3" + (cursor.map { "&_cursor=\($0)" } ?? "")
                let page = try await client.json(.get, uri, key: admin)
                #expect(page.status == .ok)
                let data = try #require(page.json["data"] as? [[String: Any]])
                #expect(data.count <= 3)
                seen += data.compactMap { $0["id"] as? String }
                cursor = page.json["cursor_next"] as? String
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen).count == 7)
            let bad = try await client.json(.get, "/api/v1/event/?_cursor=!!!", key: admin)
            #expect(bad.status == .badRequest)
            let one = try await client.json(.get, "/api/v1/event/\(seen[0])/", key: admin)
            #expect(one.json["id"] as? String == seen[0])
            #expect(try await client.json(.get, "/api/v1/event/ev_nope/", key: admin).status == .notFound)
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
