import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// `/task/` against close-api-more.md §C: lead and outgoing-call tasks, the views in the caller's time
/// zone, filters, bulk updates, and a lead's `tasks` array.
@Suite struct TaskAPITests {
    static func tasks(_ client: some TestClientProtocol, _ key: String, _ query: String, headers: HTTPFields = [:]) async throws -> [[String: Any]] {
        let response = try await client.json(.get, "/api/v1/task/?\(query)", key: key, headers: headers)
        #expect(response.status == .ok, "\(query): \(response.text)")
        return response.json["data"] as? [[String: Any]] ?? []
    }

    static func day(_ offsetDays: Int, hoursEast: Int = 0) -> String {
        let seconds = Int64(offsetDays * 86_400 + hoursEast * 3600)
        return String(CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + seconds * 1_000_000).iso8601.prefix(10))
    }

    @Test func leadTasksCarryTheirLeadAndContactAndShowOnTheLead() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Task Co", "contacts": [{"name": "Bob"}]}"#).json
            let leadID = try #require(lead["id"] as? String)
            let contactID = try #require((lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            let created = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Send the quote", "date": "2031-05-04", "priority": "high"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let task = created.json
            #expect(task["_type"] as? String == "lead" && (task["id"] as? String)?.hasPrefix("task_") == true)
            #expect(task["lead_name"] as? String == "Task Co" && task["assigned_to"] as? String == env.bootstrapKey.key.userID)
            #expect(task["assigned_to_name"] as? String == "Ada" && task["date"] as? String == "2031-05-04")
            #expect(task["is_complete"] as? Bool == false && task["is_dateless"] as? Bool == false && task["view"] as? String == "future")
            #expect(task["priority"] as? String == "high")
            let call = try await client.json(.post, "/api/v1/task/", key: key, #"{"_type": "outgoing_call", "lead_id": "\#(leadID)", "contact_id": "\#(contactID)", "date": "2020-01-01T09:30:00+00:00"}"#)
            #expect(call.json["_type"] as? String == "outgoing_call" && call.json["contact_name"] as? String == "Bob" && call.json["view"] as? String == "inbox")

            let onLead = try await client.json(.get, "/api/v1/lead/\(leadID)/", key: key).json["tasks"] as? [[String: Any]] ?? []
            #expect(onLead.compactMap { $0["id"] as? String }.count == 2)
            #expect(onLead.first?["_type"] as? String == "outgoing_call", "ordered by date")

            let id = try #require(task["id"] as? String)
            let done = try await client.json(.put, "/api/v1/task/\(id)/", key: key, #"{"is_complete": true}"#)
            #expect(done.json["is_complete"] as? Bool == true && done.json["view"] as? String == "archive")
            #expect((try await client.json(.get, "/api/v1/lead/\(leadID)/", key: key).json["tasks"] as? [Any])?.count == 1, "a completed task leaves the lead's list")
            #expect(try await client.json(.delete, "/api/v1/task/\(id)/", key: key).status == .ok)
            #expect(try await client.json(.get, "/api/v1/task/\(id)/", key: key).status == .notFound)
        }
    }

    @Test func viewsFollowTheCallersTimeZone() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let leadID = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Zones"}"#).json["id"] as? String)
            // Tomorrow in UTC+14 is always at least today where UTC-12 is, and vice versa.
            let east = Self.day(1, hoursEast: 14)
            _ = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Far east tomorrow", "date": "\#(east)"}"#)
            _ = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Yesterday", "date": "\#(Self.day(-2))"}"#)
            _ = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Someday"}"#)
            let done = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Done", "is_complete": true}"#)
            #expect(done.json["view"] as? String == "archive")
            let fareast: HTTPFields = [HTTPField.Name("X-TZ-Offset")!: "14"]
            let farwest: HTTPFields = [HTTPField.Name("X-TZ-Offset")!: "-12"]
            let inboxEast = try await Self.tasks(client, key, "view=inbox", headers: fareast).compactMap { $0["text"] as? String }
            let inboxWest = try await Self.tasks(client, key, "view=inbox", headers: farwest).compactMap { $0["text"] as? String }
            #expect(Set(inboxWest) == ["Yesterday", "Someday"], "\(inboxWest)")
            #expect(Set(inboxEast).isSuperset(of: ["Yesterday", "Someday"]))
            #expect(try await Self.tasks(client, key, "view=future", headers: farwest).compactMap { $0["text"] as? String } == ["Far east tomorrow"])
            #expect(try await Self.tasks(client, key, "view=archive").compactMap { $0["text"] as? String } == ["Done"])
            #expect(try await Self.tasks(client, key, "is_complete=false").count == 3)
        }
    }

    @Test func filtersBulkUpdatesAndBadInput() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let rival = try await env.otherOrganization()
        try await env.withApp { client in
            let leadID = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Bulk"}"#).json["id"] as? String)
            var ids: [String] = []
            for day in ["2030-01-01", "2030-01-02", "2030-01-03"] {
                let task = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "T \#(day)", "date": "\#(day)"}"#).json
                ids.append(try #require(task["id"] as? String))
            }
            #expect(try await Self.tasks(client, key, "_order_by=date").compactMap { $0["date"] as? String } == ["2030-01-01", "2030-01-02", "2030-01-03"])
            #expect(try await Self.tasks(client, key, "_order_by=-date&_limit=1").first?["date"] as? String == "2030-01-03")
            #expect(try await Self.tasks(client, key, "date__gte=2030-01-02").count == 2)
            #expect(try await Self.tasks(client, key, "id__in=\(ids[0]),\(ids[2])").count == 2)
            #expect(try await Self.tasks(client, key, "_type=lead&lead_id=\(leadID)").count == 3)
            for type in ["missed_call", "voicemail", "incoming_email", "email_followup", "answered_detached_call", "opportunity_due", "incoming_sms"] {
                #expect(try await Self.tasks(client, key, "_type=\(type)").isEmpty, "\(type)")
            }
            #expect(try await Self.tasks(client, key, "date_created__gt=2020-01-01T00:00:00Z&_order_by=date_created").count == 3)

            let bulk = try await client.json(.put, "/api/v1/task/", key: key, #"{"_params": {"id__in": "\#(ids[0]),\#(ids[1])"}, "is_complete": true}"#)
            #expect(bulk.status == .ok && bulk.json["ok"] as? Bool == true, "\(bulk.text)")
            #expect(try await Self.tasks(client, key, "is_complete=true").count == 2)
            let asList = try await client.json(.put, "/api/v1/task/", key: key, #"{"_params": {"id__in": ["\#(ids[0])", "\#(ids[1])"]}, "priority": "high"}"#)
            #expect(asList.status == .ok)
            let byQuery = try await client.json(.put, "/api/v1/task/?lead_id=\(leadID)", key: key, #"{"priority": "medium"}"#)
            #expect(byQuery.status == .ok)
            #expect(try await Self.tasks(client, key, "lead_id=\(leadID)").allSatisfy { $0["priority"] as? String == "medium" })
            #expect(try await client.json(.put, "/api/v1/task/", key: key, #"{"_params": {"id__in": "\#(ids[2])"}, "lead_id": "x"}"#).status == .badRequest)
            // A bulk update never widens to the whole organization by accident.
            for body in [#"{"_params": {}, "is_complete": true}"#, #"{"is_complete": true}"#, #"{"_params": {"idd__in": "\#(ids[2])"}, "is_complete": true}"#,
                         #"{"_params": {"id__in": {"a": 1}}, "is_complete": true}"#] {
                #expect(try await client.json(.put, "/api/v1/task/", key: key, body).status == .badRequest, "\(body)")
            }
            #expect(try await Self.tasks(client, key, "is_complete=true").count == 2, "a refused bulk update changes nothing")

            for body in [#"{"text": "no lead"}"#, #"{"lead_id": "\#(leadID)"}"#, #"{"_type": "missed_call", "lead_id": "\#(leadID)", "text": "x"}"#,
                         #"{"lead_id": "\#(leadID)", "text": "x", "date": "tomorrow"}"#, #"{"lead_id": "\#(leadID)", "text": "x", "is_complete": "yes"}"#,
                         #"{"lead_id": "\#(leadID)", "text": "x", "priority": "urgent"}"#, #"{"lead_id": "\#(leadID)", "text": "x", "assigned_to": "user_nope"}"#,
                         #"{"_type": "outgoing_call", "lead_id": "\#(leadID)"}"#, #"{"lead_id": "lead_nope", "text": "x"}"#, "[1]"] {
                let response = try await client.json(.post, "/api/v1/task/", key: key, body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
            }
            let manyIDs = (0..<1001).map { "task_\($0)" }.joined(separator: ",")
            for query in ["view=today", "_type=chore", "is_complete=maybe", "date__lt=soon", "_order_by=text", "id__in=\(manyIDs)"] {
                #expect(try await client.json(.get, "/api/v1/task/?\(query)", key: key).status == .badRequest, "\(query)")
            }
            #expect(try await client.json(.get, "/api/v1/task/\(ids[2])/", key: rival.secret).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/task/\(ids[2])/", key: rival.secret, #"{"text": "x"}"#).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/task/", key: rival.secret, #"{"_params": {"id__in": "\#(ids[2])"}, "is_complete": true}"#).status == .ok)
            #expect(try await client.json(.get, "/api/v1/task/\(ids[2])/", key: key).json["is_complete"] as? Bool == false, "another organization's bulk update reaches nothing")
        }
    }
}
