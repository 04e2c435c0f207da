import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// The API-key lifecycle over HTTP on a real SQLite file: create → use → list → revoke → 401.
@Suite struct APIKeyLifecycleTests {
    @Test func createUseListRevoke() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp(.live) { client in
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "  Zapier  "}"#)
            #expect(created.status == .ok)
            let body = created.json
            let secret = try #require(body["key"] as? String)
            let id = try #require(body["id"] as? String)
            #expect(id.hasPrefix("api_"))
            #expect(secret.hasPrefix("closr_") && secret.count == 49)
            #expect(body["label"] as? String == "Zapier")
            #expect(body["preview"] as? String == String(secret.prefix(12)))
            #expect(body["scopes"] as? [String] == ["full"])
            #expect(body["status"] as? String == "active")
            #expect(body["user_id"] as? String == env.bootstrapKey.key.userID)
            #expect(body["organization_id"] as? String == env.organizationID)
            #expect(body["created_by"] as? String == env.bootstrapKey.key.userID)
            #expect(body["expires_at"] is NSNull && body["date_revoked"] is NSNull && body["last_used"] is NSNull)
            #expect(Set(body.keys) == [
                "id", "label", "preview", "scopes", "user_id", "organization_id", "created_by", "date_created",
                "expires_at", "status", "date_revoked", "last_used", "rotated_from", "replaced_by", "key",
            ])

            let use = try await client.json(.get, "/api/v1/me/", key: secret, headers: [.userAgent: "zapier-test/2.0"])
            #expect(use.status == .ok)

            // Listed within 2 seconds with preview, IP and user agent — and never the secret.
            let listed = try await client.json(.get, "/api/v1/api_key/", key: admin)
            #expect(listed.status == .ok)
            #expect(!listed.text.contains(secret))
            #expect(listed.json["has_more"] as? Bool == false)
            #expect(listed.json["total_results"] as? Int == 2)
            let keys = try #require(listed.json["data"] as? [[String: Any]])
            let entry = try #require(keys.first { $0["id"] as? String == id })
            #expect(entry["key"] == nil)
            #expect(entry["preview"] as? String == String(secret.prefix(12)))
            let lastUsed = try #require(entry["last_used"] as? [String: Any])
            #expect(lastUsed["ip"] as? String == "127.0.0.1")
            #expect(lastUsed["user_agent"] as? String == "zapier-test/2.0")
            #expect(lastUsed["date"] as? String != nil)

            let single = try await client.json(.get, "/api/v1/api_key/\(id)/", key: admin)
            #expect(single.status == .ok)
            #expect(!single.text.contains(secret))
            #expect(single.json["id"] as? String == id)

            let revoke = try await client.json(.delete, "/api/v1/api_key/\(id)/", key: admin)
            #expect(revoke.status == .ok)
            #expect(revoke.text == "{}")
            let refused = try await client.json(.get, "/api/v1/me/", key: secret)
            #expect(refused.status == .unauthorized)
            #expect(refused.json["error"] as? String == "API key revoked")

            // Revoked keys stay listed for audit; revoking again changes nothing.
            let after = try await client.json(.get, "/api/v1/api_key/\(id)/", key: admin)
            #expect(after.json["status"] as? String == "revoked")
            #expect(after.json["date_revoked"] as? String != nil)
            #expect(try await client.json(.delete, "/api/v1/api_key/\(id)/", key: admin).status == .ok)

            for line in env.logs.all { #expect(!line.contains(secret)) }
        }
        let bytes = try env.databaseBytes()
        #expect(bytes.range(of: Data(env.secret.utf8)) == nil)
    }

    @Test func theEleventhActiveKeyIsRefusedUntilOneIsRevoked() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            var ids: [String] = []
            for index in 2...10 {
                let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "key \#(index)"}"#)
                #expect(created.status == .ok)
                ids.append(try #require(created.json["id"] as? String))
            }
            let eleventh = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "one too many"}"#)
            #expect(eleventh.status == .conflict)
            #expect((eleventh.json["error"] as? String)?.contains("Revoke a key that is no longer used") == true)

            #expect(try await client.json(.delete, "/api/v1/api_key/\(ids[0])/", key: admin).status == .ok)
            let retry = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "one too many"}"#)
            #expect(retry.status == .ok)

            let refusals = try await client.json(.get, "/api/v1/event/?object_type=api_key&action=create_refused", key: admin)
            let events = try #require(refusals.json["data"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect((events.first?["data"] as? [String: Any])?["label"] as? String == "one too many")
        }
    }

    static let invalidBodies: [(String, String)] = [
        ("{}", "label"),
        (#"{"label": "   "}"#, "label"),
        (#"{"label": "\#(String(repeating: "x", count: 101))"}"#, "label"),
        (#"{"label": "x", "scopes": ["admin"]}"#, "scopes"),
        (#"{"label": "x", "scopes": []}"#, "scopes"),
        (#"{"label": "x", "expires_in_days": 0}"#, "expires_in_days"),
        (#"{"label": "x", "expires_at": "tomorrow"}"#, "expires_at"),
        (#"{"label": "x", "expires_at": "2001-01-01"}"#, "expires_at"),
        (#"{"label": "x", "expires_at": "2999-01-01", "expires_in_days": 3}"#, "expires_at"),
        (#"{"label": 7}"#, "label"),
    ]

    @Test(arguments: 0..<invalidBodies.count)
    func invalidCreatesGetFieldErrors(_ index: Int) async throws {
        let (body, field) = Self.invalidBodies[index]
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let response = try await client.json(.post, "/api/v1/api_key/", key: admin, body)
            #expect(response.status == .badRequest)
            #expect((response.json["field-errors"] as? [String: String])?[field] != nil, "\(body)")
        }
    }

    @Test func expiresInDaysSetsTheExpiry() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "ci", "expires_in_days": 30}"#)
            let expiresAt = try #require((created.json["expires_at"] as? String).flatMap(CloseTimestamp.init(parsing:)))
            let days = Double(expiresAt.microseconds - CloseTimestamp.now().microseconds) / 86_400_000_000
            #expect(days > 29.99 && days <= 30)
        }
    }
}
