import ClosrCore
import Foundation
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Lead search runs on an index the database keeps in step with every write to leads and contacts
/// (``LeadSearchIndex``): what a search finds follows creations, updates, merges and deletions at once.
@Suite struct LeadSearchIndexTests {
    @Test func searchFollowsEveryWriteToLeadsAndContacts() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            func found(_ query: String) async throws -> Set<String> {
                try await LeadQuerySearchTests.found(query, client, key: key)
            }
            let acme = try await client.json(.post, "/api/v1/lead/", key: key,
                #"{"name": "Acme Rockets", "description": "Launch pads", "contacts": [{"name": "Wile Coyote", "emails": [{"email": "wile@acme.test"}], "phones": [{"phone": "+1 505 555 0100"}]}]}"#).json
            let acmeID = try #require(acme["id"] as? String)
            let contactID = try #require((acme["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            let other = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Road Runner Inc"}"#).json
            let otherID = try #require(other["id"] as? String)

            for word in ["rockets", "LAUNCH", "coyote", "wile@acme", "555 0100", "ac"] {
                #expect(try await found(word) == ["Acme Rockets"], "\(word)")
            }
            // A contact's new email replaces the old one in search.
            _ = try await client.json(.put, "/api/v1/contact/\(contactID)/", key: key, #"{"emails": [{"email": "genius@desert.test"}]}"#)
            #expect(try await found("wile@acme").isEmpty)
            #expect(try await found("genius@desert") == ["Acme Rockets"])
            // A new contact, and the lead's new name.
            _ = try await client.json(.post, "/api/v1/contact/", key: key, #"{"lead_id": "\#(otherID)", "name": "Beep Beep"}"#)
            #expect(try await found("beep") == ["Road Runner Inc"])
            _ = try await client.json(.put, "/api/v1/lead/\(acmeID)/", key: key, #"{"name": "Acme Anvils"}"#)
            #expect(try await found("rockets").isEmpty)
            #expect(try await found("anvils") == ["Acme Anvils"])
            // A merge moves the contacts, and their words, to the destination.
            let merged = try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(acmeID)", "destination": "\#(otherID)"}"#)
            #expect(merged.status == .ok)
            #expect(try await found("coyote") == ["Road Runner Inc"])
            #expect(try await found("anvils").isEmpty)
            // A deleted contact, then a deleted lead, are found no more.
            let beep = try #require((try await client.json(.get, "/api/v1/contact/?lead_id=\(otherID)", key: key).json["data"] as? [[String: Any]])?
                .first { $0["name"] as? String == "Beep Beep" }?["id"] as? String)
            _ = try await client.json(.delete, "/api/v1/contact/\(beep)/", key: key)
            #expect(try await found("beep").isEmpty)
            #expect(try await found("coyote") == ["Road Runner Inc"])
            _ = try await client.json(.delete, "/api/v1/lead/\(otherID)/", key: key)
            #expect(try await found("coyote").isEmpty)
            #expect(try await found("-coyote").isEmpty)
        }
    }

    /// The index is the organization's own: another organization's matching lead is never found.
    @Test func anotherOrganizationsDocumentsAreNotSearched() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        let rival = try await env.otherOrganization()
        try await env.withApp { client in
            _ = try await client.json(.post, "/api/v1/lead/", key: rival.secret, #"{"name": "Secret Widget Co"}"#)
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Open Widget Co"}"#)
            #expect(try await LeadQuerySearchTests.found("widget", client, key: key) == ["Open Widget Co"])
            #expect(try await LeadQuerySearchTests.found("secret", client, key: key).isEmpty)
            #expect(try await LeadQuerySearchTests.found("-widget", client, key: rival.secret).isEmpty)
        }
    }

    /// A search of several words starts from its rarest word's leads and checks the other words in
    /// their documents (``LeadSearchDriver``); when no word is rare enough, each word is looked up in the
    /// index. Both find the same leads: words across a lead's documents, prefixes, phrases, excluded
    /// words. (A capacity of 0 makes every search take the second way.)
    @Test func severalWordsFindTheSameLeadsWithOrWithoutADrivingWord() async throws {
        let leads = [
            #"{"name": "Acme Rockets", "description": "Launch pads", "contacts": [{"name": "Wile Coyote", "emails": [{"email": "wile@acme.test"}], "phones": [{"phone": "+1 505 555 0100"}]}, {"name": "Road Runner", "emails": [{"email": "beep@acme.test"}]}]}"#,
            #"{"name": "Acme Anvils", "description": "Heavy things", "contacts": [{"name": "Wile E", "emails": [{"email": "wile@anvils.test"}]}]}"#,
            #"{"name": "Desert Supply", "contacts": [{"name": "Coyote Jr", "emails": [{"email": "jr@desert.test"}], "phones": [{"phone": "+1 505 555 0199"}]}]}"#,
            #"{"name": "Fifty% Off", "description": "Sale"}"#,
            #"{"name": "Fiftyish", "description": "Sale"}"#,
        ]
        let expected: [(String, Set<String>)] = [
            ("acme wile", ["Acme Rockets", "Acme Anvils"]),
            ("acme coyote", ["Acme Rockets"]),
            ("acme -coyote", ["Acme Anvils"]),
            ("acme -coyote -heavy", []),
            ("wile@acme coyote", ["Acme Rockets"]),
            ("coyote 0199", ["Desert Supply"]),
            ("coyote 555 -jr", ["Acme Rockets"]),
            ("fifty% sale", ["Fifty% Off"]),
            ("fifty sale", ["Fifty% Off", "Fiftyish"]),
            ("sale -fifty%", ["Fiftyish"]),
            ("rock launch pads", ["Acme Rockets"]),
            ("acme acme ACME", ["Acme Rockets", "Acme Anvils"]),
            ("acme ...", []),
            ("acme nowhere", []),
        ]
        for capacity in [LeadSearchDriver.defaultCapacity, 0] {
            let env = try await TestEnvironment.make(searchDriverCapacity: capacity)
            let key = env.secret
            try await env.withApp { client in
                for lead in leads {
                    #expect(try await client.json(.post, "/api/v1/lead/", key: key, lead).status == .ok)
                }
                for (query, names) in expected {
                    #expect(try await LeadQuerySearchTests.found(query, client, key: key) == names, "\(query), capacity \(capacity)")
                }
                // total_results counts the same leads as the page.
                let page = try await client.json(.get, "/api/v1/lead/?query=acme+wile&_limit=1", key: key).json
                #expect(page["total_results"] as? Int == 2)
                #expect(page["has_more"] as? Bool == true)
            }
        }
    }
}
