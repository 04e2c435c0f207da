import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// `/activity/…` against close-api-more.md §B: each type's endpoints and verbs, the members every
/// activity has, notes' text and rich text in step, drafts, filters and paging, and the activities the
/// server writes itself.
@Suite struct ActivityAPITests {
    static let commonKeys: Set<String> = [
        "_type", "id", "organization_id", "lead_id", "contact_id", "user_id", "user_name", "users", "activity_at",
        "date_created", "date_updated", "created_by", "created_by_name", "updated_by", "updated_by_name",
    ]

    static func lead(_ client: some TestClientProtocol, _ key: String, _ body: String = #"{"name": "Timeline Co", "contacts": [{"name": "Ada"}]}"#) async throws -> (id: String, contactID: String?) {
        let lead = try await client.json(.post, "/api/v1/lead/", key: key, body).json
        let id = try #require(lead["id"] as? String)
        return (id, (lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
    }

    static func activities(_ client: some TestClientProtocol, _ key: String, _ query: String) async throws -> [[String: Any]] {
        let response = try await client.json(.get, "/api/v1/activity/?\(query)", key: key)
        #expect(response.status == .ok, "\(response.text)")
        return response.json["data"] as? [[String: Any]] ?? []
    }

    @Test func notesKeepTextAndRichTextInStepThroughTheirLifecycle() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, contactID) = try await Self.lead(client, key)
            let created = try await client.json(.post, "/api/v1/activity/note/", key: key,
                #"{"lead_id": "\#(leadID)", "contact_id": "\#(contactID!)", "note": "Called <Ada>\nShe & I agreed"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let note = created.json
            #expect(Self.commonKeys.isSubset(of: Set(note.keys)))
            #expect(note["_type"] as? String == "Note")
            #expect((note["id"] as? String)?.hasPrefix("acti_") == true)
            #expect(note["note_html"] as? String == "<body>Called &lt;Ada&gt;<br />She &amp; I agreed</body>")
            #expect(note["user_id"] as? String == env.bootstrapKey.key.userID && note["user_name"] as? String == "Ada")
            #expect(note["activity_at"] as? String == note["date_created"] as? String)
            let id = try #require(note["id"] as? String)

            let updated = try await client.json(.put, "/api/v1/activity/note/\(id)/", key: key, #"{"note_html": "<p>First</p><p>Second &amp; last</p>", "pinned": true}"#)
            #expect(updated.json["note"] as? String == "First\nSecond & last")
            #expect(updated.json["note_html"] as? String == "<body><p>First</p><p>Second &amp; last</p></body>")
            #expect(updated.json["pinned"] as? Bool == true && updated.json["pinned_at"] is String)

            let read = try await client.json(.get, "/api/v1/activity/note/\(id)/?_fields=id,note", key: key)
            #expect(Set(read.json.keys) == ["id", "note"])
            // Through another type's path it does not exist.
            #expect(try await client.json(.get, "/api/v1/activity/call/\(id)/", key: key).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/activity/note/\(id)/", key: key).status == .ok)
            #expect(try await client.json(.get, "/api/v1/activity/note/\(id)/", key: key).status == .notFound)
        }
    }

    @Test func everyTypeAnswersItsListAndOnlyItsVerbs() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for path in ["note", "call", "email", "emailthread", "sms", "whatsapp_message", "meeting", "custom", "created",
                         "form_submission", "status_change/lead", "status_change/opportunity", "lead_merge", "task_completed"] {
                let list = try await client.json(.get, "/api/v1/activity/\(path)/", key: key)
                #expect(list.status == .ok, "\(path): \(list.text)")
                #expect(list.json["data"] is [Any] && list.json["has_more"] as? Bool == false, "\(path)")
            }
            for path in ["meeting", "created", "emailthread", "form_submission", "lead_merge", "task_completed"] {
                #expect(try await client.json(.post, "/api/v1/activity/\(path)/", key: key, "{}").status == .methodNotAllowed, "\(path)")
            }
            for path in ["created", "lead_merge"] {
                #expect(try await client.json(.delete, "/api/v1/activity/\(path)/acti_x/", key: key).status == .methodNotAllowed, "\(path)")
            }
            #expect(try await client.json(.post, "/api/v1/activity/", key: key, "{}").status == .methodNotAllowed)
        }
    }

    @Test func callsEmailsAndSMSAreLoggedAsGivenAndOnlyDraftsChange() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let call = try await client.json(.post, "/api/v1/activity/call/", key: key,
                #"{"lead_id": "\#(leadID)", "direction": "inbound", "duration": 95, "disposition": "answered", "note": "Good call", "recording_url": "https://files.example.com/r.mp3"}"#)
            #expect(call.status == .ok, "\(call.text)")
            #expect(call.json["status"] as? String == "completed" && call.json["call_method"] as? String == "external")
            #expect(call.json["duration"] as? Int == 95 && call.json["note_html"] as? String == "<body>Good call</body>")
            let badCall = try await client.json(.post, "/api/v1/activity/call/", key: key,
                #"{"lead_id": "\#(leadID)", "direction": "sideways", "duration": "long", "recording_url": "http://x"}"#)
            #expect(badCall.status == .badRequest)
            #expect(Set((badCall.json["field-errors"] as? [String: String] ?? [:]).keys) == ["direction", "duration", "recording_url"])

            let received = try await client.json(.post, "/api/v1/activity/email/", key: key,
                #"{"lead_id": "\#(leadID)", "status": "inbox", "subject": "Hello", "body_text": "Hi there", "to": ["me@example.com"]}"#)
            #expect(received.json["direction"] as? String == "incoming" && received.json["body_preview"] as? String == "Hi there")
            let receivedID = try #require(received.json["id"] as? String)
            let changeSent = try await client.json(.put, "/api/v1/activity/email/\(receivedID)/", key: key, #"{"subject": "Changed"}"#)
            #expect(changeSent.status == .badRequest && changeSent.text.contains("Only drafts"))
            let draft = try await client.json(.post, "/api/v1/activity/email/", key: key, #"{"lead_id": "\#(leadID)", "status": "draft", "subject": "Draft"}"#)
            let draftID = try #require(draft.json["id"] as? String)
            let edited = try await client.json(.put, "/api/v1/activity/email/\(draftID)/", key: key, #"{"subject": "Better", "status": "sent"}"#)
            #expect(edited.json["subject"] as? String == "Better" && edited.json["status"] as? String == "sent")
            #expect(try await client.json(.post, "/api/v1/activity/email/", key: key, #"{"lead_id": "\#(leadID)"}"#).status == .badRequest)
            #expect(try await client.json(.post, "/api/v1/activity/email/", key: key, #"{"lead_id": "\#(leadID)", "status": "scheduled"}"#).status == .badRequest)

            let sms = try await client.json(.post, "/api/v1/activity/sms/", key: key, #"{"lead_id": "\#(leadID)", "status": "inbox", "text": "yo", "remote_phone": "+14155550100"}"#)
            #expect(sms.json["direction"] as? String == "inbound" && sms.json["_type"] as? String == "SMS")
        }
    }

    @Test func badInputIsAClose400AndOtherOrganizationsObjectsAre404() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let rival = try await env.otherOrganization()
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let note = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "mine"}"#).json
            let noteID = try #require(note["id"] as? String)
            for body in [#"[]"#, #"{"note": "x"}"#, #"{"lead_id": "lead_nope", "note": "x"}"#, #"{"lead_id": 5}"#,
                         #"{"lead_id": "\#(leadID)", "note": 5}"#, #"{"lead_id": "\#(leadID)", "activity_at": "yesterday"}"#,
                         #"{"lead_id": "\#(leadID)", "contact_id": "cont_nope"}"#, #"{"lead_id": "\#(leadID)", "user_id": "user_nope"}"#] {
                let response = try await client.json(.post, "/api/v1/activity/note/", key: key, body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect(response.json["error"] != nil || response.json["field-errors"] != nil, "\(body)")
            }
            // The rival organization sees none of it and cannot write on it.
            #expect(try await client.json(.get, "/api/v1/activity/note/\(noteID)/", key: rival.secret).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/activity/note/\(noteID)/", key: rival.secret, #"{"note": "x"}"#).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/activity/note/\(noteID)/", key: rival.secret).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/activity/note/", key: rival.secret, #"{"lead_id": "\#(leadID)"}"#).status == .badRequest)
            #expect(try await Self.activities(client, rival.secret, "lead_id=\(leadID)").isEmpty)
            let manyIDs = (0..<40_000).map { "acti_\($0)" }.joined(separator: ",")
            for query in ["_type=Nope", "date_created__gt=soon", "_order_by=name", "_skip=-1", "_limit=zero", "thread_emails=maybe", "id__in=\(manyIDs)"] {
                let response = try await client.json(.get, "/api/v1/activity/?\(query)", key: key)
                #expect(response.status == .badRequest && response.json["error"] is String, "\(query)")
            }
        }
    }

    @Test func listsFilterByLeadTypeAndDateAndPageWithASkipCap() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (first, _) = try await Self.lead(client, key, #"{"name": "First"}"#)
            let (second, _) = try await Self.lead(client, key, #"{"name": "Second"}"#)
            for lead in [first, first, second] {
                _ = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(lead)", "note": "n"}"#)
            }
            _ = try await client.json(.post, "/api/v1/activity/call/", key: key, #"{"lead_id": "\#(first)"}"#)
            #expect(try await Self.activities(client, key, "lead_id=\(first)").count == 4, "three made here and its Created")
            #expect(try await Self.activities(client, key, "lead_id=\(first)&_type=Note").count == 2)
            #expect(try await Self.activities(client, key, "_type__in=Note,Call").count == 4)
            #expect(try await Self.activities(client, key, "_type=Created").count == 2)
            #expect(try await Self.activities(client, key, "lead_id__in=\(first),\(second)&_type=Note").count == 3)
            let all = try await Self.activities(client, key, "_order_by=date_created")
            let dates = all.compactMap { $0["date_created"] as? String }
            #expect(dates == dates.sorted() && all.count == 6)
            // Airbyte's Z-suffixed window bounds.
            let past = "2020-01-01T00:00:00Z"
            #expect(try await Self.activities(client, key, "date_created__gt=\(past)&date_created__lte=2999-01-01T00:00:00.123456Z").count == 6)
            #expect(try await Self.activities(client, key, "date_created__gt=2999-01-01T00:00:00Z").isEmpty)
            let page = try await client.json(.get, "/api/v1/activity/note/?_limit=2&_skip=1", key: key)
            #expect((page.json["data"] as? [Any])?.count == 2 && page.json["has_more"] as? Bool == false)
            let first2 = try await client.json(.get, "/api/v1/activity/note/?_limit=2", key: key)
            #expect(first2.json["has_more"] as? Bool == true)
            let deep = try await client.json(.get, "/api/v1/activity/?_skip=250001", key: key)
            #expect(deep.status == .badRequest)
            let message = deep.json["error"] as? String ?? ""
            #expect(message.contains("less than or equal to") && message.contains("max_skip = "), "\(message)")
            #expect(try await client.json(.get, "/api/v1/task/?_skip=9999999", key: key).status == .badRequest)
        }
    }

    @Test func theServerWritesEachOfItsActivitiesExactlyOnce() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let created = try await Self.activities(client, key, "lead_id=\(leadID)&_type=Created")
            #expect(created.count == 1 && created.first?["source"] as? String == "api")

            _ = try await client.json(.put, "/api/v1/lead/\(leadID)/", key: key, #"{"status": "Qualified"}"#)
            _ = try await client.json(.put, "/api/v1/lead/\(leadID)/", key: key, #"{"status": "Qualified", "name": "Same status"}"#)
            let statusChanges = try await Self.activities(client, key, "lead_id=\(leadID)&_type=LeadStatusChange")
            #expect(statusChanges.count == 1)
            #expect(statusChanges.first?["old_status_label"] as? String == "Potential" && statusChanges.first?["new_status_label"] as? String == "Qualified")
            // Logged by hand: history only, the lead keeps its status.
            let statuses = try await client.json(.get, "/api/v1/status/lead/", key: key).json["data"] as? [[String: Any]] ?? []
            let badFit = try #require(statuses.first { $0["label"] as? String == "Bad Fit" }?["id"] as? String)
            let logged = try await client.json(.post, "/api/v1/activity/status_change/lead/", key: key, #"{"lead_id": "\#(leadID)", "new_status_id": "\#(badFit)"}"#)
            #expect(logged.status == .ok && logged.json["new_status_label"] as? String == "Bad Fit")
            #expect(try await client.json(.get, "/api/v1/lead/\(leadID)/", key: key).json["status_label"] as? String == "Qualified")

            let opportunity = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"lead_id": "\#(leadID)", "value": 1000}"#).json
            let opportunityID = try #require(opportunity["id"] as? String)
            _ = try await client.json(.put, "/api/v1/opportunity/\(opportunityID)/", key: key, #"{"status": "Won"}"#)
            _ = try await client.json(.put, "/api/v1/opportunity/\(opportunityID)/", key: key, #"{"confidence": 90}"#)
            let opportunityChanges = try await client.json(.get, "/api/v1/activity/status_change/opportunity/?opportunity_id=\(opportunityID)", key: key).json["data"] as? [[String: Any]] ?? []
            #expect(opportunityChanges.count == 1)
            #expect(opportunityChanges.first?["old_status_label"] as? String == "Active" && opportunityChanges.first?["new_status_type"] as? String == "won")
            #expect(opportunityChanges.first?["opportunity_value"] as? Int == 1000)

            let task = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "Call back"}"#).json
            let taskID = try #require(task["id"] as? String)
            _ = try await client.json(.put, "/api/v1/task/\(taskID)/", key: key, #"{"is_complete": true}"#)
            _ = try await client.json(.put, "/api/v1/task/\(taskID)/", key: key, #"{"is_complete": true}"#)
            let completions = try await Self.activities(client, key, "lead_id=\(leadID)&_type=TaskCompleted")
            #expect(completions.count == 1 && completions.first?["task_id"] as? String == taskID && completions.first?["task_text"] as? String == "Call back")

            let (otherID, _) = try await Self.lead(client, key, #"{"name": "Duplicate"}"#)
            _ = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(otherID)", "note": "moved"}"#)
            let merged = try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(otherID)", "destination": "\#(leadID)"}"#)
            #expect(merged.status == .ok)
            let merges = try await Self.activities(client, key, "lead_id=\(leadID)&_type=LeadMerge")
            #expect(merges.count == 1 && merges.first?["source_lead_id"] as? String == otherID)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type=Note").count == 1, "the source's note moved over")
            #expect(try await Self.activities(client, key, "lead_id=\(otherID)").isEmpty)

            // Deleting the lead takes its activities and tasks with it.
            #expect(try await client.json(.delete, "/api/v1/lead/\(leadID)/", key: key).status == .ok)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)").isEmpty)
            #expect(try await client.json(.get, "/api/v1/task/\(taskID)/", key: key).status == .notFound)
        }
    }

    @Test func customActivitiesValidateTheirTypesFieldsButDraftsSkipRequiredOnes() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let type = try await client.json(.post, "/api/v1/custom_activity/", key: key, #"{"name": "Demo", "description": "A product demo"}"#)
            #expect(type.status == .created)
            let typeID = try #require(type.json["id"] as? String)
            #expect(typeID.hasPrefix("actitype_"))
            let field = try await client.json(.post, "/api/v1/custom_field/activity/", key: key,
                #"{"name": "Outcome", "type": "choices", "choices": ["Yes", "No"], "custom_activity_type_id": "\#(typeID)", "required": true}"#)
            #expect(field.status == .ok, "\(field.text)")
            let fieldID = try #require(field.json["id"] as? String)
            #expect(field.json["required"] as? Bool == true)
            #expect((try await client.json(.get, "/api/v1/custom_activity/\(typeID)/", key: key).json["fields"] as? [Any])?.count == 1)

            let missing = try await client.json(.post, "/api/v1/activity/custom/", key: key, #"{"lead_id": "\#(leadID)", "custom_activity_type_id": "\#(typeID)"}"#)
            #expect(missing.status == .badRequest && (missing.json["field-errors"] as? [String: String])?["custom.\(fieldID)"] != nil)
            let draft = try await client.json(.post, "/api/v1/activity/custom/", key: key, #"{"lead_id": "\#(leadID)", "custom_activity_type_id": "\#(typeID)", "status": "draft"}"#)
            #expect(draft.status == .ok && draft.json["status"] as? String == "draft")
            let draftID = try #require(draft.json["id"] as? String)
            #expect(try await client.json(.put, "/api/v1/activity/custom/\(draftID)/", key: key, #"{"status": "published"}"#).status == .badRequest)
            let published = try await client.json(.put, "/api/v1/activity/custom/\(draftID)/", key: key, #"{"status": "published", "custom.\#(fieldID)": "Yes"}"#)
            #expect(published.status == .ok && published.json["custom.\(fieldID)"] as? String == "Yes", "\(published.text)")
            let wrongChoice = try await client.json(.post, "/api/v1/activity/custom/", key: key, #"{"lead_id": "\#(leadID)", "custom_activity_type_id": "\#(typeID)", "custom.\#(fieldID)": "Maybe"}"#)
            #expect(wrongChoice.status == .badRequest)
            #expect(try await client.json(.post, "/api/v1/activity/custom/", key: key, #"{"lead_id": "\#(leadID)", "custom_activity_type_id": "actitype_nope"}"#).status == .badRequest)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type=\(typeID)").count == 1)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type=Custom").count == 1)
            _ = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "beside"}"#)
            let mixed = try await Self.activities(client, key, "lead_id=\(leadID)&_type__in=Note,\(typeID)")
            #expect(Set(mixed.compactMap { $0["_type"] as? String }) == ["Note", "CustomActivity"] && mixed.count == 2)
            #expect(try await client.json(.delete, "/api/v1/custom_activity/\(typeID)/", key: key).status == .noContent)
        }
    }

    @Test func emailsGatherInThreadsListedEitherWay() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let first = try await client.json(.post, "/api/v1/activity/email/", key: key,
                #"{"lead_id": "\#(leadID)", "status": "inbox", "subject": "Pricing", "sender": "Bob <bob@customer.test>", "to": ["ada@acme.test"]}"#)
            let threadID = try #require(first.json["thread_id"] as? String)
            let reply = try await client.json(.post, "/api/v1/activity/email/", key: key,
                #"{"lead_id": "\#(leadID)", "status": "sent", "subject": "Re: Pricing", "thread_id": "\#(threadID)", "to": ["bob@customer.test"], "cc": ["Carol <carol@customer.test>"]}"#)
            #expect(reply.status == .ok && reply.json["thread_id"] as? String == threadID)
            let thread = try await client.json(.get, "/api/v1/activity/emailthread/\(threadID)/", key: key).json
            #expect(thread["_type"] as? String == "EmailThread" && thread["n_emails"] as? Int == 2)
            #expect(thread["latest_normalized_subject"] as? String == "Pricing")
            #expect((thread["emails"] as? [[String: Any]])?.compactMap { $0["subject"] as? String } == ["Pricing", "Re: Pricing"])
            #expect(Set((thread["participants"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }) == ["bob@customer.test", "ada@acme.test", "carol@customer.test"])
            // The generic list: each email by default, their threads with thread_emails.
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type__in=Email,EmailThread").count == 2)
            let threads = try await Self.activities(client, key, "lead_id=\(leadID)&thread_emails=true&_type__in=Email,EmailThread")
            #expect(threads.count == 1 && (threads.first?["emails"] as? [Any])?.count == 2)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&thread_emails=only").filter { $0["_type"] as? String == "Email" }.isEmpty)
            let (otherLead, _) = try await Self.lead(client, key, #"{"name": "Elsewhere"}"#)
            #expect(try await client.json(.post, "/api/v1/activity/email/", key: key, #"{"lead_id": "\#(otherLead)", "status": "inbox", "thread_id": "\#(threadID)"}"#).status == .badRequest)
            // Deleting the thread deletes its emails.
            #expect(try await client.json(.delete, "/api/v1/activity/emailthread/\(threadID)/", key: key).status == .ok)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type=Email").isEmpty)
        }
    }

    @Test func oversizedBodiesAndFieldsAreRefusedOnEveryNewEndpoint() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let (leadID, _) = try await Self.lead(client, key)
            let huge = String(repeating: "x", count: 2 << 20)
            for path in ["/api/v1/activity/note/", "/api/v1/activity/call/", "/api/v1/task/", "/api/v1/webhook/", "/api/v1/custom_activity/"] {
                let response = try await client.json(.post, path, key: key, #"{"lead_id": "\#(leadID)", "note": "\#(huge)"}"#)
                #expect(response.status == .contentTooLarge && response.json["error"] is String, "\(path): \(response.status)")
            }
            let long = String(repeating: "y", count: 100_001)
            let note = try await client.json(.post, "/api/v1/activity/note/", key: key, #"{"lead_id": "\#(leadID)", "note": "\#(long)"}"#)
            #expect(note.status == .badRequest && (note.json["field-errors"] as? [String: String])?["note"] != nil)
            let task = try await client.json(.post, "/api/v1/task/", key: key, #"{"lead_id": "\#(leadID)", "text": "\#(long)"}"#)
            #expect(task.status == .badRequest && (task.json["field-errors"] as? [String: String])?["text"] != nil)
            #expect(try await Self.activities(client, key, "lead_id=\(leadID)&_type=Note").isEmpty, "nothing half-stored")
        }
    }

    @Test func customActivityTypesRefuseBadInputAndStayInTheirOrganization() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let rival = try await env.otherOrganization()
        try await env.withApp { client in
            for body in [#"{}"#, #"{"name": ""}"#, #"{"name": 5}"#, #"{"name": "X", "api_create_only": "yes"}"#, #"{"name": "X", "editable_with_roles": [1]}"#, "[]"] {
                let response = try await client.json(.post, "/api/v1/custom_activity/", key: key, body)
                #expect(response.status == .badRequest && (response.json["error"] != nil || response.json["field-errors"] != nil), "\(body)")
            }
            let type = try await client.json(.post, "/api/v1/custom_activity/", key: key, #"{"name": "Visit", "api_create_only": true}"#)
            let id = try #require(type.json["id"] as? String)
            #expect(type.json["api_create_only"] as? Bool == true)
            #expect(try await client.json(.get, "/api/v1/custom_activity/\(id)/", key: rival.secret).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/custom_activity/\(id)/", key: rival.secret, #"{"name": "Mine"}"#).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/custom_activity/\(id)/", key: rival.secret).status == .notFound)
            #expect((try await client.json(.get, "/api/v1/custom_activity/", key: rival.secret).json["data"] as? [Any])?.isEmpty == true)
            let field = try await client.json(.post, "/api/v1/custom_field/activity/", key: rival.secret, #"{"name": "F", "type": "text", "custom_activity_type_id": "\#(id)"}"#)
            #expect(field.status == .badRequest, "another organization's type cannot take fields")
            #expect(try await client.json(.post, "/api/v1/custom_field/activity/", key: key, #"{"name": "F", "type": "text"}"#).status == .badRequest)
            #expect(try await client.json(.get, "/api/v1/custom_activity/actitype_nope/", key: key).status == .notFound)
        }
    }
}
