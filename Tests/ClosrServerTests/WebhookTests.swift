import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// `/webhook/` and signed deliveries from the outbox to a real receiver on loopback
/// (close-api-more.md §D).
@Suite struct WebhookTests {
    static var fast: WebhookDeliveryPolicy {
        var policy = WebhookDeliveryPolicy()
        policy.firstRetry = .milliseconds(50)
        policy.longestRetry = .milliseconds(200)
        policy.pollInterval = .milliseconds(20)
        policy.lease = .seconds(5)
        return policy
    }

    static func subscribe(_ client: some TestClientProtocol, _ key: String, url: String, events: String = #"[{"object_type": "lead", "action": "created"}, {"object_type": "lead", "action": "updated"}, {"object_type": "activity.note", "action": "created"}]"#) async throws -> (id: String, key: String) {
        let created = try await client.json(.post, "/api/v1/webhook/", key: key, #"{"url": "\#(url)", "events": \#(events)}"#)
        #expect(created.status == .created, "\(created.text)")
        return (try #require(created.json["id"] as? String), try #require(created.json["signature_key"] as? String))
    }

    @Test func subscriptionsAreClosesShapeAndTheKeyIsShownOnce() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let shownKey = LockedBox("")
        try await env.withApp { client in
            // Loopback, private and link-local targets are refused without --allow-private-webhooks.
            for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://[::1]/", "http://192.168.0.10/", "ftp://example.com/", "not a url"] {
                let response = try await client.json(.post, "/api/v1/webhook/", key: key, #"{"url": "\#(url)", "events": [{"object_type": "lead", "action": "created"}]}"#)
                #expect(response.status == .badRequest && (response.json["field-errors"] as? [String: String])?["url"] != nil, "\(url): \(response.text)")
            }
            for body in [#"{"url": "https://93.184.215.14/hook"}"#, #"{"url": "https://93.184.215.14/hook", "events": []}"#,
                         #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead"}]}"#,
                         #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead", "action": "created", "extra_filter": {"type": "regex"}}]}"#,
                         #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead", "action": "created"}], "color": "red"}"#,
                         #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead", "action": "created"}], "verify_ssl": "no"}"#,
                         #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead", "action": "created"}], "event_filter": {"type": "equals", "value": 1}}"#] {
                #expect(try await client.json(.post, "/api/v1/webhook/", key: key, body).status == .badRequest, "\(body)")
            }
            let created = try await client.json(.post, "/api/v1/webhook/", key: key, #"{"url": "https://93.184.215.14/hook", "events": [{"object_type": "lead", "action": "created", "extra_filter": {"type": "field_accessor", "field": "user_id", "filter": {"type": "equals", "value": "user_x"}}}]}"#)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(id.hasPrefix("whsub_") && created.json["status"] as? String == "active" && created.json["verify_ssl"] as? Bool == true)
            #expect((created.json["signature_key"] as? String)?.count == 64 && created.json["health_status"] as? String == "healthy")
            shownKey.withLock { $0 = created.json["signature_key"] as? String ?? "" }
            let read = try await client.json(.get, "/api/v1/webhook/\(id)/", key: key)
            #expect(read.json["signature_key"] == nil && read.json["url"] as? String == "https://93.184.215.14/hook")
            #expect(!read.text.contains(created.json["signature_key"] as? String ?? "-"))
            let paused = try await client.json(.put, "/api/v1/webhook/\(id)/", key: key, #"{"status": "paused"}"#)
            #expect(paused.json["status"] as? String == "paused" && paused.json["pause_reason"] as? String == "api")
            let listed = try await client.json(.get, "/api/v1/webhook/", key: key).json["data"] as? [[String: Any]] ?? []
            #expect(listed.count == 1 && listed.first?["signature_key"] == nil)
            let rival = try await env.otherOrganization()
            #expect(try await client.json(.get, "/api/v1/webhook/\(id)/", key: rival.secret).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/webhook/\(id)/", key: rival.secret).status == .notFound)
            // A member manages only their own subscriptions, and cannot have others' key audit delivered.
            let member = try await env.member(email: "bob@example.com", role: "user")
            #expect(try await client.json(.get, "/api/v1/webhook/\(id)/", key: member.secret).status == .notFound)
            #expect((try await client.json(.get, "/api/v1/webhook/", key: member.secret).json["data"] as? [Any])?.isEmpty == true)
            let audit = try await client.json(.post, "/api/v1/webhook/", key: member.secret, #"{"url": "https://93.184.215.14/a", "events": [{"object_type": "api_key", "action": "created"}]}"#)
            #expect(audit.status == .badRequest)
            #expect(try await client.json(.post, "/api/v1/webhook/", key: member.secret, #"{"url": "https://93.184.215.14/a", "events": [{"object_type": "lead", "action": "created"}]}"#).status == .created)
            #expect(try await client.json(.delete, "/api/v1/webhook/\(id)/", key: key).status == .ok)
            #expect(try await client.json(.get, "/api/v1/webhook/\(id)/", key: key).status == .notFound)
        }
        // The signing key is never in the database in plain text.
        let bytes = try env.databaseBytes()
        let secret = shownKey.withLock { $0 }
        #expect(secret.count == 64 && bytes.count > 0)
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
    }

    @Test func deliveriesAreSignedRetriedAndInOrderPerObject() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 3)
        defer { receiver.stop() }
        let env = try await TestEnvironment.make(allowPrivateWebhooks: true, webhooks: Self.fast)
        let key = env.secret
        try await env.withApp(.live) { client in
            let (_, signingKey) = try await Self.subscribe(client, key, url: receiver.url)
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Hooked"}"#).json
            let leadID = try #require(lead["id"] as? String)
            for index in 1...4 {
                _ = try await client.json(.put, "/api/v1/lead/\(leadID)/", key: key, #"{"description": "v\#(index)"}"#)
            }
            _ = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "hi"}"#)
            _ = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"lead_id": "\#(leadID)", "value": 5}"#)
            let deliveries = try await receiver.wait(for: 6)
            #expect(deliveries.count == 6, "lead created, 4 updates, the note; not the opportunity")
            for delivery in deliveries {
                let timestamp = try #require(delivery.timestamp)
                #expect(delivery.hash == WebhookReceiver.signature(key: signingKey, timestamp: timestamp, body: delivery.body))
                #expect(abs((Int(timestamp) ?? 0) - Int(Date().timeIntervalSince1970)) < 60)
                #expect((delivery.json["subscription_id"] as? String)?.hasPrefix("whsub_") == true)
            }
            let leadEvents = deliveries.map(\.event).filter { $0["object_id"] as? String == leadID }
            #expect(leadEvents.compactMap { $0["action"] as? String } == ["created", "updated", "updated", "updated", "updated"])
            #expect(leadEvents.dropFirst().compactMap { ($0["data"] as? [String: Any])?["description"] as? String } == ["v1", "v2", "v3", "v4"],
                    "one object's events arrive in order even though the first three attempts failed")
            #expect(deliveries.map(\.event).contains { $0["object_type"] as? String == "activity.note" })
            #expect(receiver.failuresLeft.withLock { $0 } == 0)
            // Nothing is delivered twice.
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.deliveries.count == 6)
            let ids = receiver.deliveries.compactMap { $0.event["id"] as? String }
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test func extraFiltersPausedSubscriptionsAndPausingAfterFailures() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        var policy = Self.fast
        policy.pauseAfter = .milliseconds(400)
        policy.giveUpAfter = .seconds(60)
        let env = try await TestEnvironment.make(allowPrivateWebhooks: true, webhooks: policy)
        let key = env.secret
        try await env.withApp(.live) { client in
            let filter = #"[{"object_type": "lead", "action": "created", "extra_filter": {"type": "field_accessor", "field": "data", "filter": {"type": "field_accessor", "field": "name", "filter": {"type": "equals", "value": "Wanted"}}}}]"#
            _ = try await Self.subscribe(client, key, url: receiver.url, events: filter)
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Unwanted"}"#)
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Wanted"}"#)
            let filtered = try await receiver.wait(for: 1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.deliveries.count == 1 && (filtered.first?.event["data"] as? [String: Any])?["name"] as? String == "Wanted")

            // A subscription whose receiver is gone fails until paused with a reason.
            let (deadID, _) = try await Self.subscribe(client, key, url: "http://127.0.0.1:1/nothing-listens")
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Into the void"}"#)
            var status = ""
            let deadline = Date().addingTimeInterval(15)
            while status != "paused", Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.json(.get, "/api/v1/webhook/\(deadID)/", key: key).json["status"] as? String ?? ""
            }
            let dead = try await client.json(.get, "/api/v1/webhook/\(deadID)/", key: key).json
            #expect(dead["status"] as? String == "paused" && dead["pause_reason"] as? String == "failing_deliveries")
            #expect(dead["health_status"] as? String == "unhealthy" && (dead["latest_error"] as? String)?.isEmpty == false)
        }
    }
}
