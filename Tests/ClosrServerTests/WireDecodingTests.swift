import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// The server's own JSON decodes into the wire types a client uses, for every resource, and writes back
/// to the same JSON: byte for byte through Closr's ordered parser, member for member through
/// `JSONDecoder`. A member the writer writes and the reader forgets (or reads wrongly) fails here.
@Suite struct WireDecodingTests {
    /// One object's round trips; `what` names it in failures.
    static func roundTrip<T: WireDecodable & JSONRepresentable>(_ type: T.Type, _ bytes: [UInt8], _ what: String) throws {
        let ordered: T
        do { ordered = try T(json: bytes) } catch {
            Issue.record("\(what): \(error) in \(String(decoding: bytes.prefix(600), as: UTF8.self))")
            return
        }
        #expect(String(decoding: ordered.jsonValue.serialized(), as: UTF8.self) == String(decoding: bytes, as: UTF8.self), "\(what), ordered")
        let decoded = try JSONDecoder().decode(T.self, from: Data(bytes))
        let original = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
        let again = try JSONSerialization.jsonObject(with: Data(decoded.jsonValue.serialized())) as? NSDictionary
        #expect(original != nil && original == again, "\(what), JSONDecoder: \(differences(original, again))")
    }

    /// The top-level members whose values differ, for a readable failure.
    static func differences(_ original: NSDictionary?, _ again: NSDictionary?) -> String {
        let keys = Set((original?.allKeys ?? []).compactMap { $0 as? String }).union((again?.allKeys ?? []).compactMap { $0 as? String })
        return keys.sorted().filter { !((original?[$0] as? NSObject)?.isEqual(again?[$0]) ?? (again?[$0] == nil)) }
            .map { "\($0): \(original?[$0] ?? "absent") became \(again?[$0] ?? "absent")" }.joined(separator: "; ")
    }

    /// Account types decode with their synthesized `Decodable` (no ordered reader): `JSONDecoder` only.
    static func roundTripDecodable<T: Decodable & JSONRepresentable>(_ type: T.Type, _ bytes: [UInt8], _ what: String) throws {
        let decoded = try JSONDecoder().decode(T.self, from: Data(bytes))
        let original = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
        let again = try JSONSerialization.jsonObject(with: Data(decoded.jsonValue.serialized())) as? NSDictionary
        #expect(original != nil && original == again, "\(what), JSONDecoder: \(differences(original, again))")
    }

    /// Every element of a list answer's `data`.
    static func roundTripList<T: WireDecodable & JSONRepresentable>(_ type: T.Type, _ bytes: [UInt8], _ what: String, atLeast: Int = 1) throws {
        try items(bytes, what, atLeast: atLeast).forEach { try roundTrip(T.self, $0, what) }
    }

    static func items(_ bytes: [UInt8], _ what: String, atLeast: Int) throws -> [[UInt8]] {
        let list = try JSONValue(parsing: bytes)
        guard case .array(let items)? = list["data"] else {
            Issue.record("\(what): no data list")
            return []
        }
        #expect(items.count >= atLeast, "\(what): \(items.count) items")
        return items.map { $0.serialized() }
    }

    static func get(_ client: some TestClientProtocol, _ key: String, _ path: String) async throws -> [UInt8] {
        let response = try await client.json(.get, "/api/v1/\(path)", key: key)
        #expect(response.status == .ok, "\(path): \(response.text)")
        return Array(response.body.readableBytesView)
    }

    static func post(_ client: some TestClientProtocol, _ key: String, _ path: String, _ body: String) async throws -> [String: Any] {
        let response = try await client.json(.post, "/api/v1/\(path)", key: key, body)
        #expect(response.status == .ok || response.status == .created, "\(path): \(response.text)")
        return response.json
    }

    @Test func everyResourceDecodesIntoItsWireTypeAndWritesTheSameJSON() async throws {
        let env = try await TestEnvironment.make(allowPrivateWebhooks: true)
        let key = env.secret
        try await env.withApp { client in
            // Configuration: custom fields of every object type, a pipeline with a status, a custom activity type.
            let leadField = try #require(try await Self.post(client, key, "custom_field/lead/", #"{"name": "Industry", "type": "choices", "choices": ["Software", "Hardware"]}"#)["id"] as? String)
            _ = try await Self.post(client, key, "custom_field/lead/", #"{"name": "Seats", "type": "number"}"#)
            let contactField = try #require(try await Self.post(client, key, "custom_field/contact/", #"{"name": "Shoe size", "type": "number"}"#)["id"] as? String)
            let opportunityField = try #require(try await Self.post(client, key, "custom_field/opportunity/", #"{"name": "Source", "type": "text"}"#)["id"] as? String)
            let pipeline = try #require(try await Self.post(client, key, "pipeline/", #"{"name": "Renewals"}"#)["id"] as? String)
            _ = try await Self.post(client, key, "status/opportunity/", #"{"label": "Renewing", "type": "active", "pipeline_id": "\#(pipeline)"}"#)
            let activityType = try #require(try await Self.post(client, key, "custom_activity/", #"{"name": "Demo"}"#)["id"] as? String)
            _ = try await Self.post(client, key, "custom_field/activity/", #"{"name": "Outcome", "type": "text", "custom_activity_type_id": "\#(activityType)", "required": true}"#)

            // Data: a lead with contacts, custom values, an opportunity, a task, activities.
            let lead = try await Self.post(client, key, "lead/", #"""
                {"name": "Acme", "url": "https://acme.example", "addresses": [{"city": "Berlin"}], "custom.\#(leadField)": "Software", "custom.Seats": 12,
                 "contacts": [{"name": "Wile", "title": "CEO", "emails": [{"email": "wile@acme.example"}], "phones": [{"phone": "+14155550100"}],
                               "urls": [{"url": "https://wile.example"}]}]}
                """#)
            let leadID = try #require(lead["id"] as? String)
            let contactID = try #require((lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.json(.put, "/api/v1/contact/\(contactID)/", key: key, #"{"custom.\#(contactField)": 44}"#).status == .ok)
            _ = try await Self.post(client, key, "opportunity/", #"{"lead_id": "\#(leadID)", "value": 250000, "value_period": "monthly", "confidence": 70, "note": "big", "custom.\#(opportunityField)": "web"}"#)
            _ = try await Self.post(client, key, "task/", #"{"lead_id": "\#(leadID)", "text": "Call back", "date": "2031-01-02"}"#)
            _ = try await Self.post(client, key, "activity/note/", #"{"lead_id": "\#(leadID)", "note": "Hello **there**"}"#)
            _ = try await Self.post(client, key, "activity/custom/", #"{"lead_id": "\#(leadID)", "custom_activity_type_id": "\#(activityType)", "status": "draft"}"#)
            let created = try await client.json(.post, "/api/v1/webhook/", key: key, #"{"url": "http://127.0.0.1:9/hooks", "events": [{"object_type": "lead", "action": "created"}]}"#)
            try Self.roundTrip(WebhookSubscription.self, Array(created.body.readableBytesView), "webhook as created (with its key)")
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: key, #"{"allowed_origins": ["https://www.example.com"]}"#)
            let inbound = try await InboundIntakeTests.inboundKey(client, admin: key)
            _ = try await TrackerAndOriginTests.view(client, key: inbound, #"{"visitor_id": "\#(TrackerAndOriginTests.visitor)", "url": "https://www.example.com/", "title": "Home"}"#)
            _ = try await InboundIntakeTests.post(client, key: inbound, json: #"{"email": "form@example.com", "message": "hi", "_visitor_id": "\#(TrackerAndOriginTests.visitor)"}"#)

            try Self.roundTrip(Lead.self, try await Self.get(client, key, "lead/\(leadID)/"), "lead")
            try Self.roundTripList(Lead.self, try await Self.get(client, key, "lead/"), "lead list", atLeast: 2)
            try Self.roundTripList(Contact.self, try await Self.get(client, key, "contact/"), "contacts", atLeast: 2)
            try Self.roundTripList(Opportunity.self, try await Self.get(client, key, "opportunity/"), "opportunities")
            try Self.roundTripList(CloseTask.self, try await Self.get(client, key, "task/"), "tasks")
            try Self.roundTripList(Activity.self, try await Self.get(client, key, "activity/?lead_id=\(leadID)"), "activities", atLeast: 3)
            try Self.roundTripList(Activity.self, try await Self.get(client, key, "activity/form_submission/"), "form submissions")
            try Self.roundTripList(Status.self, try await Self.get(client, key, "status/lead/"), "lead statuses")
            try Self.roundTripList(Status.self, try await Self.get(client, key, "status/opportunity/"), "opportunity statuses")
            try Self.roundTripList(Pipeline.self, try await Self.get(client, key, "pipeline/"), "pipelines", atLeast: 2)
            for objectType in ["lead", "contact", "opportunity", "activity"] {
                try Self.roundTripList(CustomField.self, try await Self.get(client, key, "custom_field/\(objectType)/"), "\(objectType) custom fields")
            }
            try Self.roundTripList(CustomActivityType.self, try await Self.get(client, key, "custom_activity/"), "custom activity types")
            try Self.roundTripList(WebhookSubscription.self, try await Self.get(client, key, "webhook/"), "webhooks")
            try Self.roundTripList(Event.self, try await Self.get(client, key, "event/"), "events", atLeast: 10)
            try Self.roundTrip(InboundSettings.self, try await Self.get(client, key, "inbound_settings/"), "inbound settings")
            try Self.roundTripList(PageView.self, try await Self.get(client, key, "page_view/"), "page views")
            for item in try Self.items(try await Self.get(client, key, "api_key/"), "api keys", atLeast: 2) { try Self.roundTripDecodable(APIKey.self, item, "api key") }
            for item in try Self.items(try await Self.get(client, key, "user/"), "users", atLeast: 1) { try Self.roundTripDecodable(User.self, item, "user") }
            try Self.roundTripDecodable(Me.self, try await Self.get(client, key, "me/"), "me")
            try Self.roundTripDecodable(Organization.self, try await Self.get(client, key, "organization/\(env.organizationID)/"), "organization")

            // Custom values keep their fields' ids and names.
            let decoded = try Lead(json: try await Self.get(client, key, "lead/\(leadID)/"))
            #expect(decoded.custom.values.map(\.field.name) == ["Industry", "Seats"] && decoded.contacts.first?.custom.values.first?.value == .int(44))
            #expect(decoded.opportunities.first?.value == 250_000 && decoded.opportunities.first?.annualizedValue == 3_000_000)
        }
    }

    @Test func aMissingOrMistypedMemberIsADecodingErrorThatNamesIt() throws {
        #expect(throws: DecodingError.self) { try Lead(json: Array(#"{"id": "lead_1"}"#.utf8)) }
        do {
            _ = try JSONDecoder().decode(PageView.self, from: Data(#"{"id": "pageview_1", "organization_id": "orga_1", "visitor_id": 7}"#.utf8))
            Issue.record("decoded a number as a visitor id")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.last?.stringValue == "visitor_id" && context.debugDescription.contains("visitor_id"))
        }
    }
}
