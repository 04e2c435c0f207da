import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Every create, update and delete of an activity, a task or a custom activity type writes exactly one
/// event in its transaction, with `changed_fields` and `previous_data`; a refused request writes none.
@Suite struct TimelineEventTests {
    static func events(_ client: some TestClientProtocol, _ key: String, objectID: String) async throws -> [[String: Any]] {
        let response = try await client.json(.get, "/api/v1/event/?object_id=\(objectID)", key: key)
        return response.json["data"] as? [[String: Any]] ?? []
    }

    static func allEvents(_ client: some TestClientProtocol, _ key: String) async throws -> Int {
        var count = 0
        var cursor: String?
        repeat {
            let page = try await client.json(.get, "/api/v1/event/?_limit=50\(cursor.map { "&_cursor=\($0)" } ?? "")", key: key).json
            count += (page["data"] as? [Any])?.count ?? 0
            cursor = page["cursor_next"] as? String
        } while cursor != nil
        return count
    }

    @Test func eachChangeWritesOneEventAndRefusedOnesNone() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let leadID = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Evented"}"#).json["id"] as? String)
            let note = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "one"}"#).json
            let noteID = try #require(note["id"] as? String)
            _ = try await client.json(.put, "/api/v1/activity/note/\(noteID)/", key: key, #"{"note": "two"}"#)
            var events = try await Self.events(client, key, objectID: noteID)
            #expect(events.compactMap { $0["action"] as? String } == ["updated", "created"])
            #expect(events.allSatisfy { $0["object_type"] as? String == "activity.note" && $0["lead_id"] as? String == leadID })
            let update = try #require(events.first)
            #expect(Set(update["changed_fields"] as? [String] ?? []) == ["note", "note_html", "date_updated"], "\(update["changed_fields"] ?? "")")
            #expect((update["previous_data"] as? [String: Any])?["note"] as? String == "one")
            #expect((update["data"] as? [String: Any])?["note"] as? String == "two")
            #expect((update["meta"] as? [String: Any])?["request_path"] as? String == "/api/v1/activity/note/\(noteID)/")
            _ = try await client.json(.delete, "/api/v1/activity/note/\(noteID)/", key: key)
            events = try await Self.events(client, key, objectID: noteID)
            #expect(events.first?["action"] as? String == "deleted" && (events.first?["previous_data"] as? [String: Any])?["note"] as? String == "two")
            #expect(events.count == 3)

            let task = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Do it"}"#).json
            let taskID = try #require(task["id"] as? String)
            _ = try await client.json(.put, "/api/v1/task/\(taskID)/", key: key, #"{"text": "Do it now"}"#)
            _ = try await client.json(.put, "/api/v1/task/\(taskID)/", key: key, #"{"is_complete": true}"#)
            let taskEvents = try await Self.events(client, key, objectID: taskID)
            #expect(taskEvents.compactMap { $0["action"] as? String } == ["completed", "updated", "created"])
            #expect(taskEvents.allSatisfy { $0["object_type"] as? String == "task.lead" })
            #expect((taskEvents[1]["previous_data"] as? [String: Any])?["text"] as? String == "Do it")
            #expect(Set(taskEvents[0]["changed_fields"] as? [String] ?? []) == ["is_complete", "date_updated"])
            let completion = try await client.json(.get, "/api/v1/activity/task_completed/?lead_id=\(leadID)", key: key).json["data"] as? [[String: Any]] ?? []
            let completionID = try #require(completion.first?["id"] as? String)
            #expect(try await Self.events(client, key, objectID: completionID).compactMap { $0["object_type"] as? String } == ["activity.task_completed"])

            let type = try await client.json(.post, "/api/v1/custom_activity/", key: key, #"{"name": "Visit"}"#).json
            let typeID = try #require(type["id"] as? String)
            _ = try await client.json(.put, "/api/v1/custom_activity/\(typeID)/", key: key, #"{"name": "Site visit"}"#)
            let typeEvents = try await Self.events(client, key, objectID: typeID)
            #expect(typeEvents.compactMap { $0["action"] as? String } == ["updated", "created"])
            #expect((typeEvents.first?["previous_data"] as? [String: Any])?["name"] as? String == "Visit")

            // Refused requests leave the log as it was.
            let before = try await Self.allEvents(client, key)
            for (method, path, body) in [
                (HTTPRequest.Method.post, "/api/v1/activity/note/", #"{"lead_id": "\#(leadID)", "contact_id": "cont_nope"}"#),
                (.post, "/api/v1/activity/email/", #"{"lead_id": "\#(leadID)"}"#),
                (.put, "/api/v1/task/\(taskID)/", #"{"assigned_to": "user_nope"}"#),
                (.put, "/api/v1/task/", #"{"_params": {"lead_id": "\#(leadID)"}, "text": ""}"#),
                (.post, "/api/v1/task/", #"{"lead_id": "\#(leadID)", "text": "x", "contact_id": "cont_nope"}"#),
                (.delete, "/api/v1/activity/call/acti_nope/", nil),
            ] {
                let response = try await client.json(method, path, key: key, body)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(path): \(response.status)")
            }
            #expect(try await Self.allEvents(client, key) == before)
        }
    }

    @Test func statusChangesByAnyRouteAreEventedOnceWithTheirActivity() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let leadID = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Mover"}"#).json["id"] as? String)
            _ = try await client.json(.put, "/api/v1/lead/\(leadID)/", key: key, #"{"status": "Customer"}"#)
            let leadEvents = try await Self.events(client, key, objectID: leadID)
            #expect(leadEvents.compactMap { $0["action"] as? String } == ["updated", "created"])
            let changes = try await client.json(.get, "/api/v1/event/?lead_id=\(leadID)&object_type=activity.lead_status_change", key: key).json["data"] as? [[String: Any]] ?? []
            #expect(changes.count == 1 && changes.first?["action"] as? String == "created")
            #expect((changes.first?["data"] as? [String: Any])?["new_status_label"] as? String == "Customer")
        }
    }

    @Test func eventsPastTheRetentionPeriodAreDroppedButKeyAuditIsKept() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let oldLead = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Long ago"}"#).json["id"] as? String)
            let newLead = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Today"}"#).json["id"] as? String)
            _ = try await client.json(.post, "/api/v1/api_key/", key: key, #"{"label": "audited"}"#)
            let longAgo = CloseTimestamp.now().microseconds - 31 * 86_400 * 1_000_000
            try await env.store.transaction { sql in
                try await sql.update("events").set("date_created", to: longAgo).set("date_updated", to: longAgo)
                    .where("object_id", .equal, oldLead).run()
                try await sql.update("events").set("date_created", to: longAgo).where("object_type", .equal, "api_key").run()
            }
            let dropped = try await EventRetention(store: env.store).purge(olderThan: EventRetention.defaultPeriod, batch: 1)
            #expect(dropped == 1)
            #expect(try await Self.events(client, key, objectID: oldLead).isEmpty)
            #expect(try await Self.events(client, key, objectID: newLead).count == 1)
            let audit = try await client.json(.get, "/api/v1/event/?object_type=api_key", key: key).json["data"] as? [Any] ?? []
            #expect(!audit.isEmpty, "API keys' audit events are kept")
        }
    }

    @Test func organizationChangesAreEvented() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let id = env.organizationID
            #expect(try await client.json(.put, "/api/v1/organization/\(id)/", key: key, #"{"name": "Acme Renamed"}"#).status == .ok)
            #expect(try await client.json(.put, "/api/v1/organization/\(id)/", key: key, #"{"currency": "usd"}"#).status == .badRequest)
            let events = try await Self.events(client, key, objectID: id)
            #expect(events.count == 1 && events.first?["object_type"] as? String == "organization")
            #expect(Set(events.first?["changed_fields"] as? [String] ?? []) == ["name", "date_updated"])
            #expect((events.first?["previous_data"] as? [String: Any])?["name"] as? String == "Acme Sales")
            #expect((events.first?["data"] as? [String: Any])?["name"] as? String == "Acme Renamed")
        }
    }

    @Test func membersSeeAnEventsDataForAnHourAdminsAlways() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let member = try await env.member(email: "bob@example.com", role: "user")
        try await env.withApp { client in
            let fresh = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Fresh"}"#).json["id"] as? String)
            let old = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Old"}"#).json["id"] as? String)
            let twoHoursAgo = CloseTimestamp.now().microseconds - 2 * 3600 * 1_000_000
            try await env.store.transaction { sql in
                try await sql.update("events").set("date_created", to: twoHoursAgo).where("object_id", .equal, old).run()
            }
            let memberOld = try #require(try await Self.events(client, member.secret, objectID: old).first)
            #expect(memberOld["data"] is NSNull && memberOld["previous_data"] is NSNull && memberOld["action"] as? String == "created")
            let memberFresh = try #require(try await Self.events(client, member.secret, objectID: fresh).first)
            #expect((memberFresh["data"] as? [String: Any])?["name"] as? String == "Fresh")
            let adminOld = try #require(try await Self.events(client, key, objectID: old).first)
            #expect((adminOld["data"] as? [String: Any])?["name"] as? String == "Old")
            let eventID = try #require(memberOld["id"] as? String)
            #expect(try await client.json(.get, "/api/v1/event/\(eventID)/", key: member.secret).json["data"] is NSNull)
        }
    }

    @Test func aBackdatedObjectIsEventedNowAndMembersDoNotSeeWebhookEvents() async throws {
        let env = try await TestEnvironment.make(allowPrivateWebhooks: true)
        let key = env.secret
        let member = try await env.member(email: "bob@example.com", role: "user")
        try await env.withApp { client in
            let leadID = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Imported"}"#).json["id"] as? String)
            let note = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "old", "date_created": "2019-05-01T10:00:00+00:00"}"#).json
            #expect((note["date_created"] as? String)?.hasPrefix("2019-05-01") == true)
            let event = try #require(try await Self.events(client, key, objectID: note["id"] as? String ?? "").first)
            #expect((event["date_created"] as? String)?.hasPrefix(String(CloseTimestamp.now().iso8601.prefix(4))) == true, "the event is dated when it happened")
            let hook = try await client.json(.post, "/api/v1/webhook/", key: key, #"{"url": "http://127.0.0.1:9/h", "events": [{"object_type": "lead", "action": "created"}]}"#)
            let hookID = try #require(hook.json["id"] as? String)
            #expect(try await Self.events(client, key, objectID: hookID).count == 1)
            #expect(try await Self.events(client, member.secret, objectID: hookID).isEmpty, "a member does not see an admin's subscription (its URL)")
            #expect(try await client.json(.post, "/api/v1/webhook/", key: member.secret, #"{"url": "http://127.0.0.1:9/h", "events": [{"object_type": "webhook_subscription", "action": "created"}]}"#).status == .badRequest)
        }
    }
}
