import ClosrCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// The lead `query` language's words and `email:` match the values a user typed — names, email
/// addresses, phone numbers — literally and in any case, never the JSON they are stored in.
@Suite struct LeadQuerySearchTests {
    static let leads = [
        #"{"name": "Underscore Co", "contacts": [{"name": "Fay", "emails": [{"type": "office", "email": "first_last@x.com"}]}]}"#,
        #"{"name": "Plain Co", "contacts": [{"name": "Gus", "emails": [{"type": "office", "email": "firstXlast@x.com"}], "phones": [{"type": "mobile", "phone": "+1 415 555 0199"}]}]}"#,
        #"{"name": "Fifty% Off", "description": "Sale"}"#,
        #"{"name": "Fiftyish", "description": "Sale"}"#,
    ]

    /// The names of the leads `query` finds.
    static func found(_ query: String, _ client: any TestClientProtocol, key: String) async throws -> Set<String> {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let response = try await client.json(.get, "/api/v1/lead/?query=\(encoded)&_fields=name", key: key)
        #expect(response.status == .ok, "\(query): \(response.text)")
        let data = response.json["data"] as? [[String: Any]] ?? []
        return Set(data.compactMap { $0["name"] as? String })
    }

    @Test func wordsAndEmailsMatchValuesLiterallyNotTheirJSON() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for lead in Self.leads {
                #expect(try await client.json(.post, "/api/v1/lead/", key: key, lead).status == .ok)
            }
            // `office`, `mobile`, `type`, `email` are the JSON around values, found in no value.
            for word in ["office", "mobile", "type", "email", "phone"] {
                do {
                    let found = try await Self.found(word, client, key: key)
                    #expect(found.isEmpty, "\(word)")
                }
            }
            // `_` and `%` are characters, not wildcards; values are found in any case, in contacts'
            // emails and phones too.
            let expected: [(query: String, names: Set<String>)] = [
                ("email:first_last@x.com", ["Underscore Co"]), ("email:FIRST_LAST@X.COM", ["Underscore Co"]),
                ("first_last", ["Underscore Co"]), (#"name:"Fifty%""#, ["Fifty% Off"]), ("Fifty%", ["Fifty% Off"]),
                ("firstxlast", ["Plain Co"]), ("555 0199", ["Plain Co"]), ("gus", ["Plain Co"]),
            ]
            for (query, names) in expected {
                let found = try await Self.found(query, client, key: key)
                #expect(found == names, "\(query)")
            }
            do {
                let found = try await Self.found("-office", client, key: key)
                #expect(found.count == 4)
            }
        }
    }

    /// `custom.<id or name>:value` (the closeio README's form) matches a custom field's whole value in any
    /// case, or one of a multi-value field's values, through a JSON predicate on the member itself.
    @Test func customFieldsMatchByIdOrNameOnTheirValues() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            func field(_ body: String) async throws -> String {
                let created = try await client.json(.post, "/api/v1/custom_field/lead/", key: key, body)
                #expect(created.status == .ok, "\(created.text)")
                return try #require(created.json["id"] as? String)
            }
            let industry = try await field(#"{"name": "Industry", "type": "text"}"#)
            let tags = try await field(#"{"name": "Tags", "type": "choices", "choices": ["red_1", "blue"], "accepts_multiple_values": true}"#)
            let employees = try await field(#"{"name": "Employees", "type": "number"}"#)
            for lead in [
                #"{"name": "Soft", "custom.\#(industry)": "Software", "custom.\#(tags)": ["red_1", "blue"], "custom.\#(employees)": 50}"#,
                #"{"name": "Hard", "custom.\#(industry)": "Hardware", "custom.\#(tags)": ["blue"]}"#,
                #"{"name": "Bare"}"#,
            ] {
                let created = try await client.json(.post, "/api/v1/lead/", key: key, lead)
                #expect(created.status == .ok, "\(created.text)")
            }
            let expected: [(query: String, names: Set<String>)] = [
                ("custom.Industry:software", ["Soft"]), ("custom.\(industry):SOFTWARE", ["Soft"]), ("custom.industry:soft", []),
                ("custom.Tags:blue", ["Soft", "Hard"]), ("custom.Tags:red_1", ["Soft"]), ("custom.Tags:redX1", []),
                ("custom.Employees:50", ["Soft"]), ("not custom.Industry:Software", ["Hard", "Bare"]),
                // A field's id or name is no value: the JSON around values is never searched.
                ("\(industry)", []), ("Industry", []),
            ]
            for (query, names) in expected {
                let found = try await Self.found(query, client, key: key)
                #expect(found == names, "\(query)")
            }
            let unknown = try await client.json(.get, "/api/v1/lead/?query=custom.Nope:x", key: key)
            #expect(unknown.status == .badRequest)
            #expect((unknown.json["error"] as? String)?.contains("Nope") == true)
        }
    }
}
