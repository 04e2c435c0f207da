import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// `POST /api/leads/inbound` as web forms, site builders, Zapier and Make use it: every body form, the
/// field mapping, dedupe by email, the honeypot, keys and scopes, the limits, and bad input that must
/// leave nothing behind.
@Suite struct InboundIntakeTests {
    static let path = "/api/leads/inbound"

    /// A post with a raw body; `key` goes in `x-api-key` as the product guide says.
    static func post(
        _ client: some TestClientProtocol, key: String?, contentType: String?, _ body: [UInt8], headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[.xAPIKey] = key }
        if let contentType { headers[.contentType] = contentType }
        for field in extra { headers[field.name] = field.value }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    static func post(_ client: some TestClientProtocol, key: String?, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post(client, key: key, contentType: "application/json", Array(json.utf8), headers: headers)
    }

    static func form(_ client: some TestClientProtocol, key: String?, _ pairs: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._*"))
        let body = pairs.map { name, value in
            [name, value].map { $0.addingPercentEncoding(withAllowedCharacters: allowed)! }.joined(separator: "=")
        }.joined(separator: "&")
        return try await post(client, key: key, contentType: "application/x-www-form-urlencoded", Array(body.utf8), headers: headers)
    }

    static func inboundKey(_ client: some TestClientProtocol, admin: String, scopes: String = #"["inbound"]"#) async throws -> String {
        let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "site", "scopes": \#(scopes)}"#)
        return try #require(created.json["key"] as? String, "\(created.text)")
    }

    static func leadCount(_ client: some TestClientProtocol, _ admin: String) async throws -> Int {
        try await client.json(.get, "/api/v1/lead/?_limit=1", key: admin).json["total_results"] as? Int ?? -1
    }

    static func activities(_ client: some TestClientProtocol, _ admin: String, _ type: String, lead: String) async throws -> [[String: Any]] {
        try await client.json(.get, "/api/v1/activity/\(type)/?lead_id=\(lead)", key: admin).json["data"] as? [[String: Any]] ?? []
    }

    @Test func aJSONPostBecomesALeadWithAContactAFormSubmissionAndAWebformCreation() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            let response = try await Self.post(client, key: key, json: #"""
                {"First Name": "Grace", "last-name": "Hopper", "Email": "Grace@Example.com", "phone_number": "+1 415 555 0100",
                 "Company Name": "Navy Labs", "website": "https://navy.example", "Job Title": "Rear Admiral",
                 "message": "Call me about COBOL.", "utm_source": "newsletter", "budget": 5000, "subscribe": true,
                 "interests": ["compilers", "ships"], "address": {"city": "Arlington"}, "_form_name": "Contact us"}
                """#, headers: [.referer: "https://navy.example/contact?x=1#top"])
            #expect(response.status == .created, "\(response.text)")
            let outcome = response.json
            let leadID = try #require(outcome["lead_id"] as? String)
            #expect(outcome["new_lead"] as? Bool == true)
            #expect((outcome["contact_id"] as? String)?.hasPrefix("cont_") == true && (outcome["form_submission_id"] as? String)?.hasPrefix("acti_") == true)

            let lead = try await client.json(.get, "/api/v1/lead/\(leadID)/", key: admin).json
            #expect(lead["name"] as? String == "Navy Labs" && lead["url"] as? String == "https://navy.example")
            let description = try #require(lead["description"] as? String)
            #expect(description.hasPrefix("Call me about COBOL.\n\n"), "\(description)")
            for line in ["utm_source: newsletter", "budget: 5000", "subscribe: true", "interests: compilers, ships", "address.city: Arlington"] {
                #expect(description.contains(line), "\(line) in \(description)")
            }
            let contact = try #require((lead["contacts"] as? [[String: Any]])?.first)
            #expect(contact["name"] as? String == "Grace Hopper" && contact["title"] as? String == "Rear Admiral")
            #expect((contact["emails"] as? [[String: Any]])?.first?["email"] as? String == "Grace@Example.com")
            #expect((contact["phones"] as? [[String: Any]])?.first?["phone"] as? String == "+14155550100")

            let submissions = try await Self.activities(client, admin, "form_submission", lead: leadID)
            let submission = try #require(submissions.first)
            #expect(submissions.count == 1 && submission["id"] as? String == outcome["form_submission_id"] as? String)
            #expect(submission["form_name"] as? String == "Contact us" && submission["contact_id"] as? String == outcome["contact_id"] as? String)
            #expect(submission["source_url"] as? String == "https://navy.example/contact?x=1#top")
            #expect(submission["source_url_normalized"] as? String == "https://navy.example/contact")
            let values = try #require(submission["values_by_name"] as? [String: Any])
            #expect(values["First Name"] as? String == "Grace" && values["budget"] as? String == "5000" && values["_form_name"] == nil)
            #expect((submission["values"] as? [String: Any])?.count == values.count)
            let created = try await Self.activities(client, admin, "created", lead: leadID)
            #expect(created.first?["source"] as? String == "webform")
            let events = try await client.json(.get, "/api/v1/event/?object_type=activity.form_submission", key: admin).json["data"] as? [[String: Any]] ?? []
            #expect(events.first?["object_id"] as? String == outcome["form_submission_id"] as? String, "the submission is in the event log, for webhooks")
        }
    }

    @Test func formsPostUrlencodedAndMultipartUnderAnySpellingOfTheirFieldNames() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            let encoded = try await Self.form(client, key: key, [
                ("your-name", "Ada Lovelace"), ("E-mail", "ada@engine.example"), ("Telephone", "020 7946 0000"), ("Organisation", "Engines"),
                ("Comments", "Numbers + poetry = €"), ("interest[]", "a"), ("interest[]", "b"),
            ])
            #expect(encoded.status == .created, "\(encoded.text)")
            let lead = try await client.json(.get, "/api/v1/lead/\(try #require(encoded.json["lead_id"] as? String))/", key: admin).json
            #expect(lead["name"] as? String == "Engines")
            #expect((lead["description"] as? String)?.hasPrefix("Numbers + poetry = €") == true)
            #expect((lead["description"] as? String)?.contains("interest: a, b") == true, "\(lead["description"] ?? "")")
            let contact = (lead["contacts"] as? [[String: Any]])?.first
            #expect(contact?["name"] as? String == "Ada Lovelace" && (contact?["emails"] as? [[String: Any]])?.first?["email"] as? String == "ada@engine.example")

            let boundary = "----closrFormBoundary7MA4YWxkTrZu0gW"
            var multipart = ""
            for (name, value) in [("full_name", "Linus Torvalds"), ("email_address", "linus@kernel.example"), ("message", "Hello\r\nthere")] {
                multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\u{1}\u{2}\r\n--\(boundary)--\r\n"
            let posted = try await Self.post(client, key: key, contentType: "multipart/form-data; boundary=\(boundary)", Array(multipart.utf8))
            #expect(posted.status == .created, "\(posted.text)")
            let second = try await client.json(.get, "/api/v1/lead/\(try #require(posted.json["lead_id"] as? String))/", key: admin).json
            #expect(second["name"] as? String == "Linus Torvalds", "no company: the person names the lead")
            #expect((second["description"] as? String)?.hasPrefix("Hello\r\nthere") == true)
            #expect((second["description"] as? String)?.contains("cv: cv.pdf (file not stored)") == true)
        }
    }

    @Test func anHTMLFormCarriesAnInboundKeyInAFieldAndIsRedirected() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["https://www.example.com"]}"#)
            let origin: HTTPFields = [.origin: "https://www.example.com"]
            let redirected = try await Self.form(client, key: nil, [
                ("_api_key", key), ("name", "Form Person"), ("email", "form@example.com"), ("_redirect", "https://www.example.com/thanks"),
            ], headers: origin)
            #expect(redirected.status == .seeOther, "\(redirected.text)")
            #expect(redirected.headers[.location] == "https://www.example.com/thanks")
            #expect(redirected.headers[.accessControlAllowOrigin] == "https://www.example.com")
            #expect(try await Self.leadCount(client, admin) == 1)
            let submission = try await client.json(.get, "/api/v1/activity/form_submission/", key: admin).json["data"] as? [[String: Any]]
            let values = submission?.first?["values_by_name"] as? [String: Any]
            #expect(values?["_api_key"] == nil && values?["name"] as? String == "Form Person", "a key is never stored")
            #expect(!(try await client.json(.get, "/api/v1/activity/form_submission/", key: admin).text).contains(key))

            let elsewhere = try await Self.form(client, key: nil, [("_api_key", key), ("email", "x@example.com"), ("_redirect", "https://evil.example/")], headers: origin)
            #expect(elsewhere.status == .badRequest && (elsewhere.json["field-errors"] as? [String: String])?["_redirect"] != nil)
            // A key that can do more than intake is refused in a field: the page shows it to everyone.
            let full = try await Self.form(client, key: nil, [("_api_key", admin), ("email", "x@example.com")], headers: origin)
            #expect(full.status == .forbidden && (full.json["error"] as? String)?.contains("inbound scope") == true)
            let missing = try await Self.form(client, key: nil, [("email", "x@example.com")], headers: origin)
            #expect(missing.status == .unauthorized && (missing.json["error"] as? String)?.contains("_api_key") == true)
            #expect(try await Self.leadCount(client, admin) == 1)
        }
    }

    @Test func aPostWhoseEmailIsKnownAttachesToThatLeadUnlessDedupeIsOff() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            // A contact made through the API is found too (the triggers index every contact's emails).
            let existing = try await client.json(.post, "/api/v1/lead/", key: admin, #"{"name": "Known", "contacts": [{"name": "Kim", "emails": [{"email": "kim@known.example"}]}]}"#).json
            let knownLead = try #require(existing["id"] as? String)
            let again = try await Self.post(client, key: key, json: #"{"email": "KIM@known.example", "message": "second time"}"#)
            #expect(again.status == .created && again.json["new_lead"] as? Bool == false && again.json["lead_id"] as? String == knownLead, "\(again.text)")
            #expect(again.json["contact_id"] as? String == (existing["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await Self.activities(client, admin, "form_submission", lead: knownLead).count == 1)
            #expect(try await Self.leadCount(client, admin) == 1)

            let perPost = try await Self.post(client, key: key, json: #"{"email": "kim@known.example", "_dedupe": "false"}"#)
            #expect(perPost.json["new_lead"] as? Bool == true && perPost.json["lead_id"] as? String != knownLead)
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"dedupe_by_email": false}"#)
            let perOrganization = try await Self.post(client, key: key, json: #"{"email": "kim@known.example"}"#)
            #expect(perOrganization.json["new_lead"] as? Bool == true)
            let forced = try await Self.post(client, key: key, json: #"{"email": "kim@known.example", "_dedupe": "true"}"#)
            #expect(forced.json["new_lead"] as? Bool == false && forced.json["lead_id"] as? String == knownLead, "the oldest contact wins")
            #expect(try await Self.leadCount(client, admin) == 3)

            // A contact's changed email is found under the new address only.
            let contactID = try #require((existing["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await client.json(.put, "/api/v1/contact/\(contactID)/", key: admin, #"{"emails": [{"email": "kim@moved.example"}]}"#)
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"dedupe_by_email": true}"#)
            let moved = try await Self.post(client, key: key, json: #"{"email": "kim@moved.example"}"#)
            #expect(moved.json["lead_id"] as? String == knownLead)

            // Concurrent posts of one new address (a double-clicked submit) make one lead.
            let results = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 { group.addTask { try await Self.post(client, key: key, json: #"{"email": "double@click.example"}"#).json["lead_id"] as? String } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(Set(results.compactMap { $0 }).count == 1 && results.count == 6, "\(results)")
        }
    }

    @Test func aFilledHoneypotIsAnsweredLikeAPersonAndStoresNothing() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            let bot = try await Self.form(client, key: key, [("email", "bot@spam.example"), ("_honeypot", "http://spam.example")])
            #expect(bot.status == .created && bot.json["new_lead"] as? Bool == true && bot.json["lead_id"] is String)
            let gotcha = try await Self.post(client, key: key, json: #"{"email": "bot@spam.example", "_gotcha": "x", "_redirect": "https://x.example/"}"#)
            #expect(gotcha.status == .seeOther)
            #expect(try await Self.leadCount(client, admin) == 0)
            let person = try await Self.form(client, key: key, [("email", "person@example.com"), ("_honeypot", "")])
            #expect(person.status == .created)
            #expect(try await Self.leadCount(client, admin) == 1)
        }
    }

    @Test func keysAndScopes() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let body = #"{"email": "scope@example.com"}"#
            let unknown = try await Self.post(client, key: "closr_" + String(repeating: "A", count: 43), json: body)
            #expect(unknown.status == .unauthorized)
            #expect(try await Self.post(client, key: nil, json: body).status == .unauthorized)
            let readOnly = try await Self.inboundKey(client, admin: admin, scopes: #"["read_only"]"#)
            let refused = try await Self.post(client, key: readOnly, json: body)
            #expect(refused.status == .forbidden && (refused.json["error"] as? String)?.contains("read-only") == true)

            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "soon revoked", "scopes": ["inbound"]}"#).json
            let inbound = try #require(created["key"] as? String)
            #expect(try await Self.post(client, key: inbound, json: body).status == .created)
            #expect(try await client.json(.delete, "/api/v1/api_key/\(try #require(created["id"] as? String))/", key: admin).status == .ok)
            #expect(try await Self.post(client, key: inbound, json: body).status == .unauthorized, "revoked at once")
            // Close's own scheme and Bearer work too, for Zapier and Make steps.
            let other = try await Self.inboundKey(client, admin: admin)
            for headers in [Credential.basic(other), Credential.bearer(other)] {
                #expect(try await Self.post(client, key: nil, contentType: "application/json", Array(body.utf8), headers: headers).status == .created)
            }
            // An inbound key still reaches nothing else.
            #expect(try await client.json(.get, "/api/v1/lead/", key: other).status == .forbidden)
        }
    }

    @Test func oversizedAndTooFrequentPostsAreRefused() async throws {
        let env = try await TestEnvironment.make(inboundRateLimit: RateLimitPolicy(limit: 1, windowSeconds: 86_400))
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            let big = try await Self.post(client, key: key, json: #"{"email": "big@example.com", "message": "\#(String(repeating: "x", count: 1 << 20))"}"#)
            #expect(big.status == .contentTooLarge && (big.json["error"] as? String)?.contains("65536") == true, "\(big.text)")
            let justOver = try await Self.post(client, key: key, json: #"{"email": "big@example.com", "message": "\#(String(repeating: "x", count: 65_536))"}"#)
            #expect(justOver.status == .contentTooLarge && justOver.text.contains("65536"))
            // Without a Content-Length (chunked, as a streaming client sends it), the limit holds as the body arrives.
            let chunked = try await client.execute(uri: Self.path, method: .post, headers: [.xAPIKey: key, .contentType: "application/json", .transferEncoding: "chunked"],
                                                   body: ByteBuffer(string: #"{"email": "c@example.com", "m": "\#(String(repeating: "y", count: 70_000))"}"#))
            #expect(chunked.status == .contentTooLarge, "\(chunked.text)")
            #expect(try await Self.post(client, key: key, json: #"{"email": "ok@example.com"}"#).status == .created)
            let limited = try await Self.post(client, key: key, json: #"{"email": "late@example.com"}"#)
            #expect(limited.status == .tooManyRequests && Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1, "\(limited.status)")
            #expect(try await Self.leadCount(client, admin) == 1)
            #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .ok, "the API's own limit is apart")
        }
    }

    @Test func badInputIsAClearFourHundredAndStoresNothing() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await Self.inboundKey(client, admin: admin)
            let manyFields = (0..<10_000).map(String.init).joined(separator: "&")
            let cases: [(String, String?, [UInt8], HTTPResponse.Status, String)] = [
                ("wrong type", "text/xml", Array("<lead/>".utf8), .unsupportedMediaType, "multipart/form-data"),
                ("invalid UTF-8 encoded", "application/x-www-form-urlencoded", Array("email=a%40b.c&name=%FF%FE".utf8), .badRequest, "UTF-8"),
                ("invalid UTF-8 raw", "application/json", [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], .badRequest, "JSON"),
                ("10,000 fields", "application/x-www-form-urlencoded", Array(manyFields.utf8), .badRequest, "10000 fields"),
                ("duplicated", "application/x-www-form-urlencoded", Array("email=a%40b.c&email=c%40d.e".utf8), .badRequest, "more than once"),
                ("duplicated JSON", "application/json", Array(#"{"email": "a@b.c", "email": "c@d.e"}"#.utf8), .badRequest, "more than once"),
                ("no boundary", "multipart/form-data", Array("--x\r\n".utf8), .badRequest, "boundary"),
                ("unclosed multipart", "multipart/form-data; boundary=xyz",
                 Array("--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.c\r\n".utf8), .badRequest, "malformed"),
                ("no contact data", "application/json", Array(#"{"favourite_colour": "blue"}"#.utf8), .badRequest, "favourite_colour"),
                ("bad email", "application/x-www-form-urlencoded", Array("Work+Email=not-an-email".utf8), .badRequest, "Work Email"),
                ("not an object", "application/json", Array("[1,2]".utf8), .badRequest, "object"),
            ]
            for (label, contentType, body, status, mention) in cases {
                let response = try await Self.post(client, key: key, contentType: contentType, body)
                #expect(response.status == status, "\(label): \(response.status) \(response.text)")
                #expect(response.text.contains(mention), "\(label): \(response.text)")
            }
            #expect(try await Self.leadCount(client, admin) == 0, "nothing half-stored")
            #expect((try await client.json(.get, "/api/v1/activity/form_submission/", key: admin).json["data"] as? [Any])?.count == 0)
        }
    }
}

/// What a review of the intake found, each held here: keys under any name, the honeypot's answer, the
/// redirect's host, CORS before the origin is known, the rate limit's buckets, a body cut short,
/// non-ASCII emails, concurrent settings changes.
@Suite struct InboundHardeningTests {
    @Test func aKeyIsNeverStoredWhateverTheFieldIsCalled() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            let posted = try await InboundIntakeTests.post(client, key: key, json: #"""
                {"email": "keys@example.com", "x-api-key": "\#(key)", "auth": {"api_key": "\#(key)"}, "apiKey": "x",
                 "note": "mine is \#(admin) ok", "colour": "blue"}
                """#)
            #expect(posted.status == .created, "\(posted.text)")
            let leadID = try #require(posted.json["lead_id"] as? String)
            let lead = try await client.json(.get, "/api/v1/lead/\(leadID)/", key: admin).text
            let submissions = try await client.json(.get, "/api/v1/activity/form_submission/?lead_id=\(leadID)", key: admin).text
            let events = try await client.json(.get, "/api/v1/event/?_limit=50", key: admin).text
            for text in [lead, submissions, events] {
                #expect(!text.contains(key) && !text.contains(admin) && !text.contains("apiKey"))
            }
            #expect(submissions.contains("\"colour\":\"blue\"") && lead.contains("colour: blue"))
        }
    }

    @Test func theHoneypotIsJudgedAfterTheSameChecksAsAPerson() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            #expect(try await InboundIntakeTests.form(client, key: key, [("email", "not-an-email"), ("_honeypot", "x")]).status == .badRequest)
            #expect(try await InboundIntakeTests.post(client, key: key, json: #"{"email": "a@b.example", "_honeypot": false}"#).status == .created)
            #expect(try await InboundIntakeTests.leadCount(client, admin) == 1, "an unticked JSON honeypot is not a bot")
        }
    }

    /// One environment for every address (a test environment per argument took a PostgreSQL pool each).
    @Test func aRedirectLeavesOnlyForAnAllowedOrigin() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["https://*.example.com"]}"#)
            for target in [
                #"https://evil.test\.example.com/x"#, "https://www.example.com@evil.test/", "https://www.example.com/\u{7F}", "https://www.example.com/é",
                "javascript:alert(1)", "//evil.test/", "https://evil.test/", "https://*.example.com/",
            ] {
                let refused = try await InboundIntakeTests.form(client, key: key, [("email", "r@example.com"), ("_redirect", target)])
                #expect(refused.status == .badRequest && (refused.json["field-errors"] as? [String: String])?["_redirect"] != nil, "\(target): \(refused.status)")
            }
            let fine = try await InboundIntakeTests.form(client, key: key, [("email", "r@example.com"), ("_redirect", "https://www.example.com/thanks?x=%C3%A9")])
            #expect(fine.status == .seeOther)
        }
    }

    @Test func noAnswerAllowsAnOriginBeforeItIsKnownToBeAllowed() async throws {
        let env = try await TestEnvironment.make(inboundRateLimit: RateLimitPolicy(limit: 2, windowSeconds: 86_400))
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["https://www.example.com"]}"#)
            let evil: HTTPFields = [.origin: "https://evil.test"]
            let cases = [
                try await InboundIntakeTests.post(client, key: key, contentType: "application/json", Array("{bad".utf8), headers: evil),
                try await InboundIntakeTests.post(client, key: key, contentType: "text/xml", Array("<x/>".utf8), headers: evil),
                try await InboundIntakeTests.post(client, key: "closr_" + String(repeating: "B", count: 43), json: #"{"email": "a@b.example"}"#, headers: evil),
                try await InboundIntakeTests.post(client, key: nil, contentType: "application/json", Array("{bad".utf8), headers: [.origin: "https://www.example.com"]),
            ]
            for response in cases {
                #expect(response.status.code >= 400 && response.headers[.accessControlAllowOrigin] == nil, "\(response.status) \(response.text)")
            }
            for _ in 0..<3 { _ = try await InboundIntakeTests.post(client, key: key, json: #"{"email": "e@evil.test"}"#, headers: evil) }
            // Refused origins were not charged, and page views have a bucket of their own.
            let site: HTTPFields = [.origin: "https://www.example.com"]
            for index in 0..<2 {
                let view = try await TrackerAndOriginTests.view(client, key: key, #"{"visitor_id": "\#(TrackerAndOriginTests.visitor)", "url": "https://www.example.com/\#(index)"}"#, headers: site)
                #expect(view.status == .created)
            }
            #expect(try await TrackerAndOriginTests.view(client, key: key, #"{"visitor_id": "\#(TrackerAndOriginTests.visitor)", "url": "https://www.example.com/"}"#, headers: site).status == .tooManyRequests)
            #expect(try await InboundIntakeTests.post(client, key: key, json: #"{"email": "one@example.com"}"#, headers: site).status == .created)
            let second = try await InboundIntakeTests.post(client, key: key, json: #"{"note": "no contact"}"#, headers: site)
            #expect(second.status == .badRequest && second.headers[.accessControlAllowOrigin] == "https://www.example.com")
            let limited = try await InboundIntakeTests.post(client, key: key, json: #"{"email": "three@example.com"}"#, headers: site)
            #expect(limited.status == .tooManyRequests && limited.headers[.accessControlAllowOrigin] == "https://www.example.com")
        }
    }

    @Test func aBodyCutShortIsA400AndStoresNothing() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp(.live) { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            let request = "POST /api/leads/inbound HTTP/1.1\r\nHost: x\r\nx-api-key: \(key)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\": \"cut@example.com\""
            // Generous: the whole suite runs in parallel on two cores.
            let response = try await RawHTTP.exchange(port: client.port!, Array(request.utf8), seconds: 60, halfClose: true)
            #expect(response.status == 400 || response.status == nil, "\(response.text.prefix(300))")
            #expect(try await InboundIntakeTests.leadCount(client, admin) == 0)
            #expect(!env.logs.all.contains { $0.contains("Unexpected error") }, "not logged as a server fault")
        }
    }

    @Test func emailsAreComparedWithASCIILettersInAnyCaseOnBothDatabases() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            let lead = try await client.json(.post, "/api/v1/lead/", key: admin, #"{"name": "Éva", "contacts": [{"emails": [{"email": "ÉVA@Example.com"}]}]}"#).json
            let leadID = try #require(lead["id"] as? String)
            #expect(try await InboundIntakeTests.post(client, key: key, json: #"{"email": "ÉVA@EXAMPLE.COM"}"#).json["lead_id"] as? String == leadID)
            #expect(try await InboundIntakeTests.post(client, key: key, json: #"{"email": "éva@example.com"}"#).json["new_lead"] as? Bool == true,
                    "non-ASCII letters are compared as they are, the same on SQLite and PostgreSQL")
        }
    }

    @Test func concurrentSettingsChangesAllLand() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let body = index % 2 == 0 ? #"{"allowed_origins": ["https://s\#(index).example"]}"# : #"{"respect_do_not_track": \#(index % 4 == 1)}"#
                        return try await client.json(.put, "/api/v1/inbound_settings/", key: admin, body).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["https://*.com"]}"#).status == .badRequest)
        }
    }
}
