import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Scopes, rotation, leaked keys, and who may see which keys.
@Suite struct APIKeyPolicyTests {
    @Test func readOnlyKeysOnlyRead() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "dashboard", "scopes": ["read_only"]}"#)
            #expect(created.json["scopes"] as? [String] == ["read_only"])
            let readOnly = try #require(created.json["key"] as? String)
            #expect(try await client.json(.get, "/api/v1/me/", key: readOnly).status == .ok)
            #expect(try await client.json(.head, "/api/v1/me/", key: readOnly).status == .ok)
            #expect(try await client.json(.get, "/api/v1/api_key/", key: readOnly).status == .ok)
            let post = try await client.json(.post, "/api/v1/api_key/", key: readOnly, #"{"label": "escalate"}"#)
            #expect(post.status == .forbidden)
            #expect((post.json["error"] as? String)?.contains("read-only") == true)
            let id = try #require(created.json["id"] as? String)
            #expect(try await client.json(.delete, "/api/v1/api_key/\(id)/", key: readOnly).status == .forbidden)
            #expect(try await client.json(.put, "/api/v1/organization/\(env.organizationID)/", key: readOnly, #"{"name": "x"}"#).status == .forbidden)
        }
    }

    @Test func inboundKeysReachNothingButIntake() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "web form", "scopes": ["inbound"]}"#)
            let inbound = try #require(created.json["key"] as? String)
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/me/"), (.get, "/api/v1/api_key/"), (.get, "/api/v1/event/")] {
                let response = try await client.json(method, path, key: inbound)
                #expect(response.status == .forbidden, "\(path)")
                #expect((response.json["error"] as? String)?.contains("inbound") == true)
            }
        }
        #expect(ScopePolicy.refusal(scopes: [.inbound], method: .post, path: "/api/leads/inbound") == nil)
        #expect(ScopePolicy.refusal(scopes: [.inbound], method: .post, path: "/api/v1/lead/") != nil)
        #expect(ScopePolicy.refusal(scopes: [.readOnly, .inbound], method: .post, path: "/api/leads/inbound") == nil)
    }

    @Test func rotationGivesASuccessorAndExpiresTheOldKeyAfterTheGracePeriod() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let original = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "deploy", "scopes": ["read_only"]}"#)
            let oldID = try #require(original.json["id"] as? String)
            let oldSecret = try #require(original.json["key"] as? String)

            let rotated = try await client.json(.post, "/api/v1/api_key/\(oldID)/rotate/", key: admin, #"{"grace_period_seconds": 3}"#)
            #expect(rotated.status == .ok)
            let newSecret = try #require(rotated.json["key"] as? String)
            let newID = try #require(rotated.json["id"] as? String)
            #expect(newID != oldID && newSecret != oldSecret)
            #expect(rotated.json["label"] as? String == "deploy")
            #expect(rotated.json["scopes"] as? [String] == ["read_only"])
            #expect(rotated.json["rotated_from"] as? String == oldID)

            let old = try await client.json(.get, "/api/v1/api_key/\(oldID)/", key: admin)
            #expect(old.json["replaced_by"] as? String == newID)
            #expect(old.json["expires_at"] as? String != nil)
            // Within the grace period both keys work; after it, only the new one.
            #expect(try await client.json(.get, "/api/v1/me/", key: oldSecret).status == .ok)
            #expect(try await client.json(.get, "/api/v1/me/", key: newSecret).status == .ok)
            let graceEnd = try #require((old.json["expires_at"] as? String).flatMap(CloseTimestamp.init(parsing:)))
            try await Task.sleep(for: .milliseconds(Int((graceEnd.microseconds - CloseTimestamp.now().microseconds) / 1000) + 100))
            let expired = try await client.json(.get, "/api/v1/me/", key: oldSecret)
            #expect(expired.status == .unauthorized)
            #expect(expired.json["error"] as? String == "API key expired")
            #expect(try await client.json(.get, "/api/v1/me/", key: newSecret).status == .ok)

            let again = try await client.json(.post, "/api/v1/api_key/\(oldID)/rotate/", key: admin)
            #expect(again.status == .conflict)
            let badGrace = try await client.json(.post, "/api/v1/api_key/\(newID)/rotate/", key: admin, #"{"grace_period_seconds": -5}"#)
            #expect(badGrace.status == .badRequest)
        }
    }

    @Test func rotationDefaultsToADayOfGraceAndWorksAtTheLimit() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        let bootstrapID = env.bootstrapKey.key.id
        try await env.withApp { client in
            for index in 2...10 {
                #expect(try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "k\#(index)"}"#).status == .ok)
            }
            let rotated = try await client.json(.post, "/api/v1/api_key/\(bootstrapID)/rotate/", key: admin)
            #expect(rotated.status == .ok)
            let old = try await client.json(.get, "/api/v1/api_key/\(bootstrapID)/", key: admin)
            let expiresAt = try #require((old.json["expires_at"] as? String).flatMap(CloseTimestamp.init(parsing:)))
            let hours = Double(expiresAt.microseconds - CloseTimestamp.now().microseconds) / 3_600_000_000
            #expect(hours > 23.9 && hours <= 24)
            #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .ok)
        }
    }

    @Test func leakedKeysAreRevokedWithoutRevealingAnything() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "pasted in a gist"}"#)
            let leaked = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? String)

            let known = try await client.json(.post, "/api/v1/api_key/revoke_leaked/", key: nil, #"{"key": "\#(leaked)"}"#)
            let unknown = try await client.json(.post, "/api/v1/api_key/revoke_leaked/", key: nil, #"{"key": "closr_\#(String(repeating: "Q", count: 43))"}"#)
            let nonsense = try await client.json(.post, "/api/v1/api_key/revoke_leaked/", key: nil, #"{"key": "hello"}"#)
            #expect(known.status == .ok && unknown.status == .ok && nonsense.status == .ok)
            #expect(known.text == unknown.text && unknown.text == nonsense.text)
            #expect(!known.text.contains(id))

            let refused = try await client.json(.get, "/api/v1/me/", key: leaked)
            #expect(refused.status == .unauthorized)
            #expect(refused.json["error"] as? String == "API key revoked")
            let events = try await client.json(.get, "/api/v1/event/?object_id=\(id)", key: admin)
            let actions = (events.json["data"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(actions == ["leak_revoked", "created"])
            #expect(!events.text.contains(leaked))

            let empty = try await client.json(.post, "/api/v1/api_key/revoke_leaked/", key: nil, "{}")
            #expect(empty.status == .badRequest)
        }
    }

    @Test func membersSeeOnlyTheirOwnKeysAndAdminsSeeAll() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        let adminKeyID = env.bootstrapKey.key.id
        let member = try await env.member(email: "bob@example.com", role: "user")
        try await env.withApp { client in
            let mine = try await client.json(.get, "/api/v1/api_key/", key: member.secret)
            let memberKeys = try #require(mine.json["data"] as? [[String: Any]])
            #expect(memberKeys.count == 1)
            #expect(memberKeys.first?["user_id"] as? String == member.userID)
            #expect(try await client.json(.get, "/api/v1/api_key/\(adminKeyID)/", key: member.secret).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/api_key/\(adminKeyID)/", key: member.secret).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/api_key/\(adminKeyID)/rotate/", key: member.secret).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .ok)

            let all = try await client.json(.get, "/api/v1/api_key/", key: admin)
            #expect((all.json["data"] as? [[String: Any]])?.count == 2)
            let memberKeyID = try #require(memberKeys.first?["id"] as? String)
            #expect(try await client.json(.delete, "/api/v1/api_key/\(memberKeyID)/", key: admin).status == .ok)
            #expect(try await client.json(.get, "/api/v1/me/", key: member.secret).status == .unauthorized)
        }
    }

    @Test func anotherOrganizationsKeysAreInvisible() async throws {
        let env = try await TestEnvironment.make()
        let rival = try await env.otherOrganization()
        let ourKeyID = env.bootstrapKey.key.id
        let admin = env.secret
        try await env.withApp { client in
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/api_key/\(ourKeyID)/"), (.delete, "/api/v1/api_key/\(ourKeyID)/"),
                                   (.post, "/api/v1/api_key/\(ourKeyID)/rotate/")] {
                let response = try await client.json(method, path, key: rival.secret)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.json["error"] as? String == "API key not found")
            }
            let theirs = try await client.json(.get, "/api/v1/api_key/", key: rival.secret)
            #expect((theirs.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [rival.key.id])
            let ourEvents = try await client.json(.get, "/api/v1/event/", key: rival.secret)
            #expect(!ourEvents.text.contains(ourKeyID))
            #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .ok)
        }
    }
}
