import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Custom fields (close-api.md §11): definitions, values by type, multi-values, and the wire forms.
@Suite struct CustomFieldAPITests {
    @Test func definitionsHaveCloseShapeAndBothPaths() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/custom_field/lead/", key: key, #"{"name": "Industry", "type": "choices", "choices": ["Software", "Hardware"]}"#)
            #expect(created.status == .ok)
            let field = created.json
            #expect(Set(field.keys) == [
                "id", "name", "description", "type", "choices", "accepts_multiple_values", "editable_with_roles",
                "is_shared", "organization_id", "created_by", "updated_by", "date_created", "date_updated",
            ])
            let id = try #require(field["id"] as? String)
            #expect(id.hasPrefix("cf_") && id.count == 46)
            #expect(field["choices"] as? [String] == ["Software", "Hardware"])
            #expect(field["accepts_multiple_values"] as? Bool == false)
            for path in ["/api/v1/custom_field/lead/", "/api/v1/custom_fields/lead/", "/api/v1//custom_field/lead"] {
                let listed = try await client.json(.get, path, key: key).json
                #expect((listed["data"] as? [[String: Any]])?.map { $0["id"] as! String } == [id], "\(path)")
            }
            #expect((try await client.json(.get, "/api/v1/custom_field/contact/", key: key).json["data"] as? [Any])?.isEmpty == true)
            for (body, errorField) in [(#"{"name": "X", "type": "color"}"#, "type"), (#"{"type": "text"}"#, "name"),
                                       (#"{"name": "Y", "type": "choices"}"#, "choices"), (#"{"name": "industry", "type": "text"}"#, "name")] {
                let response = try await client.json(.post, "/api/v1/custom_field/lead/", key: key, body)
                #expect(response.status == .badRequest, "\(body)")
                #expect((response.json["field-errors"] as? [String: String])?[errorField] != nil, "\(body)")
            }
            let renamed = try await client.json(.put, "/api/v1/custom_field/lead/\(id)/", key: key, #"{"name": "Sector"}"#)
            #expect(renamed.json["name"] as? String == "Sector")
        }
    }

    @Test func leadValuesAreValidatedByTypeAndAppearFlatAndByName() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            func field(_ body: String) async throws -> String {
                try #require(try await client.json(.post, "/api/v1/custom_field/lead/", key: key, body).json["id"] as? String)
            }
            let industry = try await field(#"{"name": "Industry", "type": "choices", "choices": ["Software", "Hardware"]}"#)
            let seats = try await field(#"{"name": "Seats", "type": "number"}"#)
            let renewal = try await field(#"{"name": "Renewal", "type": "date"}"#)
            let tags = try await field(#"{"name": "Tags", "type": "text", "accepts_multiple_values": true}"#)
            let owner = try await field(#"{"name": "Owner", "type": "user"}"#)

            let created = try await client.json(.post, "/api/v1/lead/", key: key, #"""
                {"name": "Custom Co", "custom.\#(industry)": "Software", "custom.Seats": 25,
                 "custom": {"Renewal": "2025-03-01T10:00:00"}, "custom.\#(tags)": ["a", "b"],
                 "custom.\#(owner)": "\#(env.bootstrapKey.key.userID)"}
                """#)
            #expect(created.status == .ok, "\(created.text)")
            let lead = created.json
            #expect(lead["custom.\(industry)"] as? String == "Software")
            #expect(lead["custom.\(seats)"] as? Int == 25)
            #expect(lead["custom.\(renewal)"] as? String == "2025-03-01")
            #expect(lead["custom.\(tags)"] as? [String] == ["a", "b"])
            #expect((lead["custom"] as? [String: Any])?["Industry"] as? String == "Software")
            let id = try #require(lead["id"] as? String)

            let changed = try await client.json(.put, "/api/v1/lead/\(id)/", key: key, #"""
                {"custom.\#(industry)": null, "custom.\#(tags).add": "c", "custom.\#(tags).remove": "a"}
                """#)
            #expect(changed.json["custom.\(industry)"] == nil)
            #expect(changed.json["custom.\(tags)"] as? [String] == ["b", "c"])
            #expect(changed.json["custom.\(seats)"] as? Int == 25)

            let narrowed = try await client.json(.get, "/api/v1/lead/\(id)/?_fields=id,custom.\(seats)", key: key)
            #expect(Set(narrowed.json.keys) == ["id", "custom.\(seats)"])
            let allCustom = try await client.json(.get, "/api/v1/lead/\(id)/?_fields=custom", key: key)
            #expect(Set(allCustom.json.keys) == ["custom", "custom.\(seats)", "custom.\(renewal)", "custom.\(tags)", "custom.\(owner)"])

            for (body, errorKey) in [(#"{"custom.\#(industry)": "Furniture"}"#, "custom.\(industry)"),
                                     (#"{"custom.\#(seats)": "many"}"#, "custom.\(seats)"),
                                     (#"{"custom.\#(renewal)": "soon"}"#, "custom.\(renewal)"),
                                     (#"{"custom.\#(owner)": "user_stranger"}"#, "custom.\(owner)"),
                                     (#"{"custom.\#(industry)": ["Software"]}"#, "custom.\(industry)"),
                                     (#"{"custom.Nonexistent": 1}"#, "custom.Nonexistent")] {
                let response = try await client.json(.put, "/api/v1/lead/\(id)/", key: key, body)
                #expect(response.status == .badRequest, "\(body)")
                #expect((response.json["field-errors"] as? [String: String])?[errorKey] != nil, "\(body): \(response.text)")
            }

            // Deleting the field removes its values.
            #expect(try await client.json(.delete, "/api/v1/custom_field/lead/\(seats)/", key: key).text == "{}")
            let after = try await client.json(.get, "/api/v1/lead/\(id)/", key: key).json
            #expect(after["custom.\(seats)"] == nil)
            #expect((after["custom"] as? [String: Any])?["Seats"] == nil)
        }
    }

    @Test func contactAndOpportunityValues() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let role = try #require(try await client.json(.post, "/api/v1/custom_field/contact/", key: key, #"{"name": "Role", "type": "text"}"#).json["id"] as? String)
            let source = try #require(try await client.json(.post, "/api/v1/custom_field/opportunity/", key: key, #"{"name": "Source", "type": "choices", "choices": ["Web", "Referral"]}"#).json["id"] as? String)
            let contact = try await client.json(.post, "/api/v1/contact/", key: key, #"{"name": "Ada", "custom.\#(role)": "Buyer"}"#).json
            #expect(contact["custom.\(role)"] as? String == "Buyer")
            let contactID = try #require(contact["id"] as? String)
            let updated = try await client.json(.put, "/api/v1/contact/\(contactID)/", key: key, #"{"custom.Role": "Champion"}"#).json
            #expect(updated["custom.\(role)"] as? String == "Champion")
            let opportunity = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": 100, "custom.\#(source)": "Web"}"#).json
            #expect(opportunity["custom.\(source)"] as? String == "Web")
            let bad = try await client.json(.put, "/api/v1/opportunity/\(opportunity["id"] as! String)/", key: key, #"{"custom.\#(source)": "Billboard"}"#)
            #expect(bad.status == .badRequest)
        }
    }
}
