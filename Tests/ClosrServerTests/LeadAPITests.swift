import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// `/lead/` field by field against close-api.md §5, and its list, query, update, delete and merge.
@Suite struct LeadAPITests {
    static let leadKeys: Set<String> = [
        "id", "organization_id", "name", "display_name", "description", "url", "status_id", "status_label",
        "html_url", "created_by", "created_by_name", "updated_by", "updated_by_name", "date_created", "date_updated",
        "addresses", "contacts", "contact_ids", "opportunities", "tasks", "integration_links", "custom",
        "primary_email", "primary_phone", "source",
    ]
    static let contactKeys: Set<String> = [
        "id", "lead_id", "organization_id", "name", "display_name", "title", "emails", "phones", "urls",
        "integration_links", "timezone", "created_by", "updated_by", "date_created", "date_updated",
    ]
    static var timestamp: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/# }

    static let acme = #"""
    {"name": "Acme Inc", "url": "https://acme.example", "description": "Rockets",
     "contacts": [{"name": "Wile E. Coyote", "title": "CEO",
                   "emails": [{"type": "office", "email": "wile@acme.example"}],
                   "phones": [{"type": "office", "phone": "+1 555 555 0100"}],
                   "urls": [{"type": "url", "url": "https://wile.example"}]}],
     "addresses": [{"label": "business", "address_1": "1 Main St", "city": "Springfield", "zipcode": "90000", "country": "US"}]}
    """#

    @Test func createdLeadHasCloseShape() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let response = try await client.json(.post, "/api/v1/lead/", key: key, Self.acme)
            #expect(response.status == .ok)
            let lead = response.json
            #expect(Set(lead.keys) == Self.leadKeys)
            #expect((lead["id"] as? String)?.hasPrefix("lead_") == true)
            #expect(lead["organization_id"] as? String == env.organizationID)
            #expect(lead["name"] as? String == "Acme Inc" && lead["display_name"] as? String == "Acme Inc")
            #expect(lead["description"] as? String == "Rockets" && lead["url"] as? String == "https://acme.example")
            #expect(lead["status_label"] as? String == "Potential")
            #expect((lead["status_id"] as? String)?.hasPrefix("stat_") == true)
            #expect(lead["created_by"] as? String == env.bootstrapKey.key.userID)
            #expect(lead["created_by_name"] as? String == "Ada")
            for field in ["date_created", "date_updated"] {
                #expect((lead[field] as? String)?.wholeMatch(of: Self.timestamp) != nil)
            }
            let address = try #require((lead["addresses"] as? [[String: Any]])?.first)
            #expect(address["address_1"] as? String == "1 Main St" && address["city"] as? String == "Springfield")
            #expect(address["address_2"] is NSNull && address["label"] as? String == "business")
            let contact = try #require((lead["contacts"] as? [[String: Any]])?.first)
            #expect(Set(contact.keys) == Self.contactKeys)
            #expect((contact["id"] as? String)?.hasPrefix("cont_") == true)
            #expect(contact["lead_id"] as? String == lead["id"] as? String)
            #expect(contact["emails"] as? [NSDictionary] == [["type": "office", "email": "wile@acme.example", "is_unsubscribed": false]])
            #expect(contact["phones"] as? [NSDictionary] == [["type": "office", "phone": "+15555550100", "phone_formatted": "+1 555-555-0100", "country": "US"]])
            #expect(contact["urls"] as? [NSDictionary] == [["type": "url", "url": "https://wile.example"]])
            #expect(lead["contact_ids"] as? [String] == [contact["id"] as! String])
            #expect((lead["primary_email"] as? [String: Any])?["email"] as? String == "wile@acme.example")
            #expect((lead["primary_phone"] as? [String: Any])?["phone"] as? String == "+15555550100")
            #expect(lead["opportunities"] as? [Any] != nil && lead["tasks"] as? [Any] != nil)

            let id = try #require(lead["id"] as? String)
            let fetched = try await client.json(.get, "/api/v1/lead/\(id)/", key: key)
            #expect(NSDictionary(dictionary: fetched.json) == NSDictionary(dictionary: lead))
            let narrowed = try await client.json(.get, "/api/v1/lead/\(id)/?_fields=id,name,contacts", key: key)
            #expect(Set(narrowed.json.keys) == ["id", "name", "contacts"])
        }
    }

    static let invalid: [(String, String)] = [
        (#"{"status_id": "stat_nope"}"#, "status_id"),
        (#"{"status": "Nonexistent"}"#, "status"),
        (#"{"name": 5}"#, "name"),
        (#"{"contacts": [{"emails": [{"email": "not an email"}]}]}"#, "contacts.0.emails"),
        (#"{"contacts": [{"phones": [{"phone": "555", "type": "pager"}]}]}"#, "contacts.0.phones"),
        (#"{"addresses": ["1 Main St"]}"#, "addresses"),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidLeadsGetFieldErrors(_ index: Int) async throws {
        let (body, field) = Self.invalid[index]
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let response = try await client.json(.post, "/api/v1/lead/", key: key, body)
            #expect(response.status == .badRequest)
            #expect((response.json["field-errors"] as? [String: String])?[field] != nil, "\(body) → \(response.text)")
        }
    }

    @Test func updateIsPartialAndDeleteRemovesContactsAndOpportunities() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, Self.acme).json
            let id = try #require(lead["id"] as? String)
            let contactID = try #require((lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            let updated = try await client.json(.put, "/api/v1/lead/\(id)/", key: key, #"{"name": "Acme Corp", "status": "Qualified", "url": null}"#)
            #expect(updated.status == .ok)
            #expect(updated.json["name"] as? String == "Acme Corp")
            #expect(updated.json["status_label"] as? String == "Qualified")
            #expect(updated.json["url"] is NSNull)
            #expect(updated.json["description"] as? String == "Rockets")
            #expect((updated.json["contacts"] as? [Any])?.count == 1)
            #expect((updated.json["date_updated"] as? String)! > (lead["date_updated"] as? String)!)

            let opportunity = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"lead_id": "\#(id)", "value": 1000}"#)
            let opportunityID = try #require(opportunity.json["id"] as? String)
            #expect(try await client.json(.delete, "/api/v1/lead/\(id)/", key: key).text == "{}")
            #expect(try await client.json(.get, "/api/v1/lead/\(id)/", key: key).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/contact/\(contactID)/", key: key).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/opportunity/\(opportunityID)/", key: key).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/lead/\(id)/", key: key, "{}").status == .notFound)
        }
    }

    @Test func listPagesQueriesAndSorts() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            var ids: [String] = []
            for index in 0..<12 {
                let status = index % 3 == 0 ? #", "status": "Bad Fit""# : ""
                let created = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Lead \#(String(format: "%02d", index))"\#(status)}"#)
                ids.append(try #require(created.json["id"] as? String))
            }
            let first = try await client.json(.get, "/api/v1/lead/?_limit=5&_fields=id", key: key)
            #expect(first.json["has_more"] as? Bool == true)
            #expect(first.json["total_results"] as? Int == 12)
            #expect((first.json["data"] as? [[String: Any]])?.map { $0["id"] as! String } == Array(ids.reversed().prefix(5)))
            let last = try await client.json(.get, "/api/v1/lead/?_skip=10&_limit=5&_fields=id", key: key)
            #expect(last.json["has_more"] as? Bool == false)
            #expect((last.json["data"] as? [Any])?.count == 2)

            let sorted = try await client.json(.get, "/api/v1/lead/?query=sort:name&_limit=3&_fields=name", key: key)
            #expect((sorted.json["data"] as? [[String: Any]])?.map { $0["name"] as! String } == ["Lead 00", "Lead 01", "Lead 02"])
            let badFit = try await client.json(.get, "/api/v1/lead/?query=status:%22bad+fit%22", key: key)
            #expect(badFit.json["total_results"] as? Int == 4)
            let notBadFit = try await client.json(.get, "/api/v1/lead/?query=-status:%22Bad+Fit%22+sort:created", key: key)
            #expect(notBadFit.json["total_results"] as? Int == 8)
            let named = try await client.json(.get, "/api/v1/lead/?query=name:%22Lead+07%22", key: key)
            #expect((named.json["data"] as? [[String: Any]])?.map { $0["id"] as! String } == [ids[7]])
            let recent = try await client.json(.get, "/api/v1/lead/?query=date_updated%3E%3D%222000-01-01T00:00%22+sort:date_updated&_limit=1&_fields=id", key: key)
            #expect((recent.json["data"] as? [[String: Any]])?.first?["id"] as? String == ids[0])
            let future = try await client.json(.get, "/api/v1/lead/?query=sort:updated+date_updated+%3E%3D+2999-01-01T00:00:00%2B00:00", key: key)
            #expect(future.json["total_results"] as? Int == 0)
            let words = try await client.json(.get, "/api/v1/lead/?query=Lead+11", key: key)
            #expect(words.json["total_results"] as? Int == 1)

            // Paging to the end returns every lead once, in order (pages are chosen by id from the index).
            var paged: [String] = []
            for skip in stride(from: 0, to: 15, by: 5) {
                let page = try await client.json(.get, "/api/v1/lead/?_skip=\(skip)&_limit=5&_fields=id", key: key).json
                paged += (page["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(paged == Array(ids.reversed()))
            let beyond = try await client.json(.get, "/api/v1/lead/?_skip=50&_limit=5", key: key).json
            #expect((beyond["data"] as? [Any])?.isEmpty == true && beyond["has_more"] as? Bool == false)

            // `_order_by` sorts like `sort:`; a `sort:` in the query wins.
            let byName = try await client.json(.get, "/api/v1/lead/?_order_by=-name&_limit=2&_fields=name", key: key).json
            #expect((byName["data"] as? [[String: Any]])?.map { $0["name"] as! String } == ["Lead 11", "Lead 10"])
            let both = try await client.json(.get, "/api/v1/lead/?query=sort:name&_order_by=-name&_limit=1&_fields=name", key: key).json
            #expect((both["data"] as? [[String: Any]])?.map { $0["name"] as! String } == ["Lead 00"])
            let badOrder = try await client.json(.get, "/api/v1/lead/?_order_by=color", key: key)
            #expect(badOrder.status == .badRequest && (badOrder.json["error"] as? String)?.contains("date_created") == true)

            for bad in ["foo:bar", "name:%22open", "created+%3E+yesterday", "sort:color"] {
                let response = try await client.json(.get, "/api/v1/lead/?query=\(bad)", key: key)
                #expect(response.status == .badRequest, "\(bad)")
                #expect((response.json["error"] as? String)?.hasPrefix("Invalid query") == true)
            }
            #expect(try await client.json(.get, "/api/v1/lead/?_limit=0", key: key).status == .badRequest)
            #expect(try await client.json(.get, "/api/v1/lead/?_skip=-1", key: key).status == .badRequest)
        }
    }

    @Test func mergeMovesContactsAndOpportunities() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let source = try await client.json(.post, "/api/v1/lead/", key: key, Self.acme).json
            let destination = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Acme Holdings"}"#).json
            let sourceID = try #require(source["id"] as? String)
            let destinationID = try #require(destination["id"] as? String)
            _ = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"lead_id": "\#(sourceID)", "value": 700}"#)
            let merged = try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(sourceID)", "destination": "\#(destinationID)"}"#)
            #expect(merged.status == .ok && merged.text == "{}")
            #expect(try await client.json(.get, "/api/v1/lead/\(sourceID)/", key: key).status == .notFound)
            let result = try await client.json(.get, "/api/v1/lead/\(destinationID)/", key: key).json
            #expect((result["contacts"] as? [Any])?.count == 1)
            #expect((result["opportunities"] as? [[String: Any]])?.first?["lead_id"] as? String == destinationID)
            let invalid = try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(destinationID)", "destination": "\#(destinationID)"}"#)
            #expect(invalid.status == .badRequest)
        }
    }

    @Test func anotherOrganizationsLeadsAreInvisible() async throws {
        let env = try await TestEnvironment.make()
        let rival = try await env.otherOrganization()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, Self.acme).json
            let id = try #require(lead["id"] as? String)
            let contactID = try #require((lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            for (method, path, body) in [(HTTPRequest.Method.get, "/api/v1/lead/\(id)/", nil), (.put, "/api/v1/lead/\(id)/", #"{"name": "Mine"}"#),
                                         (.delete, "/api/v1/lead/\(id)/", nil), (.get, "/api/v1/contact/\(contactID)/", nil),
                                         (.delete, "/api/v1/contact/\(contactID)/", nil)] {
                #expect(try await client.json(method, path, key: rival.secret, body).status == .notFound, "\(method) \(path)")
            }
            let theirs = try await client.json(.get, "/api/v1/lead/", key: rival.secret)
            #expect(theirs.json["total_results"] as? Int == 0)
            let contact = try await client.json(.post, "/api/v1/contact/", key: rival.secret, #"{"lead_id": "\#(id)", "name": "Spy"}"#)
            #expect(contact.status == .badRequest)
            #expect(try await client.json(.get, "/api/v1/lead/\(id)/", key: key).json["name"] as? String == "Acme Inc")
        }
    }
}
