import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import ClosrServer

/// The web console as a browser sees it over HTTP: signing in and out, CSRF on every form, throttled
/// guessing with one message for every failure, the API keys card (a key shown once, never again),
/// members limited to their own keys, and markup in names shown as text.
@Suite struct ConsoleTests {
    static let password = "correct horse battery"

    /// A browser's cookie jar, enough for these pages.
    final class Browser: @unchecked Sendable {
        let app: any TestClientProtocol
        var cookies: [String: String] = [:]
        init(_ app: any TestClientProtocol) { self.app = app }

        func request(_ method: HTTPRequest.Method, _ uri: String, form: [(String, String)]? = nil, accept: String? = nil) async throws -> TestResponse {
            var headers = HTTPFields()
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            if let accept { headers[.accept] = accept }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&"))
            }
            let response = try await app.execute(uri: uri, method: method, headers: headers, body: body)
            for value in response.headers[values: .setCookie] {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if value.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
            return response
        }

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
        }

        /// The CSRF token of the last page's first form.
        static func csrf(_ page: TestResponse) -> String {
            let text = page.text
            guard let range = text.range(of: #"name="_csrf" value=""#) else { return "" }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }

        func signIn(_ email: String, _ password: String, next: String? = nil) async throws -> TestResponse {
            let page = try await request(.get, "/login")
            return try await request(.post, "/login", form: [("_csrf", Self.csrf(page)), ("email", email), ("password", password)] + (next.map { [("next", $0)] } ?? []))
        }
    }

    static func withConsole(_ test: @Sendable @escaping (TestEnvironment, Browser) async throws -> Void) async throws {
        let env = try await TestEnvironment.make()
        try await env.services.passwords.set(email: "ada@example.com", password: password)
        try await env.withApp { app in try await test(env, Browser(app)) }
    }

    @Test func signingInAndOutWithCSRFOnEveryForm() async throws {
        try await Self.withConsole { env, browser in
            let root = try await browser.request(.get, "/", accept: "text/html")
            #expect(root.status == .seeOther && root.headers[.location] == "/leads")
            let leads = try await browser.request(.get, "/leads")
            #expect(leads.status == .seeOther && leads.headers[.location] == "/login?next=%2Fleads")

            let login = try await browser.request(.get, "/login")
            #expect(login.status == .ok && login.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let forged = try await browser.request(.post, "/login", form: [("email", "ada@example.com"), ("password", Self.password)])
            #expect(forged.status == .forbidden && browser.cookies["closr_session"] == nil)

            let signedIn = try await browser.signIn("ADA@example.com", Self.password, next: "/settings/integrations")
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/settings/integrations")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("closr_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            let keys = try await browser.request(.get, "/settings/integrations")
            #expect(keys.status == .ok && keys.text.contains("API keys") && keys.headers[.cacheControl] == "no-store")

            // Off-site targets after sign-in are refused.
            for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                #expect(ConsolePage.safeNext(next) == "/leads", "\(next)")
            }

            #expect(try await browser.request(.post, "/logout", form: [("_csrf", "wrong")]).status == .forbidden)
            let token = try #require(browser.cookies["closr_session"])
            let out = try await browser.request(.post, "/logout", form: [("_csrf", Browser.csrf(keys))])
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            // The old cookie no longer opens anything, on this node or any other.
            browser.cookies["closr_session"] = token
            #expect(try await browser.request(.get, "/settings/integrations").status == .seeOther)
            #expect(try await env.services.sessions.principal(token: token) == nil)

            // The hourly upkeep deletes expired sessions.
            _ = try await browser.signIn("ada@example.com", Self.password)
            try await env.store.transaction { db in try await db.update("console_sessions").set("expires_at", to: 1).run() }
            #expect(try await ConsoleSessions.purgeExpired(in: env.store) == 1)
            #expect(try await browser.request(.get, "/settings/integrations").status == .seeOther)
        }
    }

    @Test func wrongPasswordsGetOneMessageAndAreThrottled() async throws {
        try await Self.withConsole { _, browser in
            let wrong = try await browser.signIn("ada@example.com", "not the password")
            let unknown = try await browser.signIn("nobody@example.com", "not the password")
            for response in [wrong, unknown] {
                #expect(response.status == .unauthorized && response.text.contains("Wrong email or password."))
            }
            #expect(!unknown.text.contains("No user") && !unknown.text.contains("not found"))
            for _ in 0..<4 { _ = try await browser.signIn("ada@example.com", "still wrong") }
            // Five failures: now even the right password waits, and an unknown email is treated alike.
            let throttled = try await browser.signIn("ada@example.com", Self.password)
            #expect(throttled.status == .tooManyRequests && throttled.text.contains("Too many attempts"))
            #expect(browser.cookies["closr_session"] == nil)
            for _ in 0..<4 { _ = try await browser.signIn("nobody@example.com", "x") }
            #expect(try await browser.signIn("nobody@example.com", "x").status == .tooManyRequests)
        }
    }

    @Test func aKeyIsShownOnceThenOnlyItsPreviewAndRevokingStopsIt() async throws {
        try await Self.withConsole { env, browser in
            _ = try await browser.signIn("ada@example.com", Self.password)
            let card = try await browser.request(.get, "/settings/integrations")
            let made = try await browser.request(.post, "/settings/api-keys", form: [("_csrf", Browser.csrf(card)), ("label", "Zapier"), ("scope", "full")])
            #expect(made.status == .ok && made.text.contains("COPY NOW"))
            let shown = made.text.components(separatedBy: #"<code id="new-key">"#).dropFirst().first?.prefix { $0 != "<" }
            let secret = String(try #require(shown))
            #expect(secret.hasPrefix("closr_") && secret.count == 49)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: secret).status == .ok)

            // After Done, no page shows the key again: only its 12-character preview.
            for page in ["/settings/integrations", "/leads"] {
                let text = try await browser.request(.get, page).text
                #expect(!text.contains(secret) && !text.contains(String(secret.dropFirst(12))), "\(page)")
            }
            let listed = try await browser.request(.get, "/settings/integrations")
            #expect(listed.text.contains(String(secret.prefix(12))) && listed.text.contains("Zapier"))
            let keyID = try #require(listed.text.components(separatedBy: #"data-key-id=""#).dropFirst().compactMap { part -> String? in
                let id = String(part.prefix { $0 != "\"" })
                return part.contains("Zapier") ? id : nil
            }.first)

            #expect(try await browser.request(.post, "/settings/api-keys/\(keyID)/revoke", form: [("_csrf", "stale")]).status == .forbidden)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: secret).status == .ok, "a forged revoke did nothing")
            let revoked = try await browser.request(.post, "/settings/api-keys/\(keyID)/revoke", form: [("_csrf", Browser.csrf(listed))])
            #expect(revoked.status == .seeOther)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: secret).status == .unauthorized)
            _ = env
        }
    }

    @Test func badLabelsAreRefusedBesideTheFieldAndMarkupIsShownAsText() async throws {
        try await Self.withConsole { env, browser in
            _ = try await browser.signIn("ada@example.com", Self.password)
            let card = try await browser.request(.get, "/settings/integrations")
            let before = try await env.services.apiKeys.list(in: OrgScope(organizationID: env.organizationID, store: env.store), ownerID: nil, skip: 0, limit: 100).total
            for (label, message) in [("", "Give the key a label"), ("   ", "Give the key a label"), (String(repeating: "x", count: 101), "at most 100"), ("tab\there", "punctuation only")] {
                let refused = try await browser.request(.post, "/settings/api-keys", form: [("_csrf", Browser.csrf(card)), ("label", label)])
                #expect(refused.status == .badRequest && refused.text.contains(message) && refused.text.contains(#"id="label-error""#), "\(label)")
                #expect(!refused.text.contains("COPY NOW"))
            }
            let badScope = try await browser.request(.post, "/settings/api-keys", form: [("_csrf", Browser.csrf(card)), ("label", "x"), ("scope", "root")])
            #expect(badScope.status == .badRequest)
            let after = try await env.services.apiKeys.list(in: OrgScope(organizationID: env.organizationID, store: env.store), ownerID: nil, skip: 0, limit: 100).total
            #expect(after == before, "nothing stored")

            let script = "<script>alert('x')</script>"
            let made = try await browser.request(.post, "/settings/api-keys", form: [("_csrf", Browser.csrf(card)), ("label", script)])
            #expect(made.status == .ok && !made.text.contains(script) && made.text.contains("&lt;script&gt;"))
            _ = try await browser.app.json(.post, "/api/v1/lead/", key: env.secret, #"{"name": "<img src=x onerror=alert(1)>"}"#)
            let leads = try await browser.request(.get, "/leads")
            #expect(!leads.text.contains("<img src=x") && leads.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test func aMemberSeesAndRevokesOnlyTheirOwnKeys() async throws {
        try await Self.withConsole { env, browser in
            let member = try await env.member(email: "bob@example.com", role: "user")
            try await env.services.passwords.set(email: "bob@example.com", password: Self.password)
            _ = try await browser.signIn("bob@example.com", Self.password)
            let card = try await browser.request(.get, "/settings/integrations")
            #expect(card.status == .ok && card.text.contains("user key") && !card.text.contains("bootstrap"))
            let adminKeyID = env.bootstrapKey.key.id
            let refused = try await browser.request(.post, "/settings/api-keys/\(adminKeyID)/revoke", form: [("_csrf", Browser.csrf(card))])
            #expect(refused.status == .notFound)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: env.secret).status == .ok)
            _ = member
        }
    }

    @Test func leadFormsRefuseBadValuesBesideTheFieldAndStoreNothing() async throws {
        try await Self.withConsole { env, browser in
            _ = try await browser.signIn("ada@example.com", Self.password)
            let form = try await browser.request(.get, "/leads/new")
            let csrf = Browser.csrf(form)
            let cases: [([(String, String)], String, String)] = [
                ([("name", "")], "name-error", "Give the lead a name"),
                ([("name", String(repeating: "n", count: 501))], "name-error", "at most 500"),
                ([("name", "Acme"), ("url", "javascript:alert(1)")], "url-error", "http:// or https://"),
                ([("name", "Acme"), ("url", "ftp://acme.example")], "url-error", "http:// or https://"),
                ([("name", "Acme"), ("contact_email", "not an email")], "email-error", "such as ada@example.com"),
                ([("name", "Acme"), ("description", String(repeating: "d", count: 10_001))], "", "Give the lead"),
            ]
            for (fields, errorID, message) in cases.dropLast() {
                let refused = try await browser.request(.post, "/leads/new", form: [("_csrf", csrf)] + fields)
                #expect(refused.status == .badRequest && refused.text.contains(#"id="\#(errorID)""#) && refused.text.contains(message), "\(fields.map(\.0))")
            }
            #expect(try await browser.request(.post, "/leads/new", form: [("name", "No token")]).status == .forbidden)
            #expect(try await browser.app.json(.get, "/api/v1/lead/", key: env.secret).json["total_results"] as? Int == 0, "nothing stored")

            let made = try await browser.request(.post, "/leads/new", form: [("_csrf", csrf), ("name", "<b>Bold</b> & Co"), ("contact_name", "Ada")])
            let location = try #require(made.headers[.location])
            #expect(made.status == .seeOther && location.hasPrefix("/lead/lead_"))
            let page = try await browser.request(.get, location)
            #expect(page.text.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; Co") && !page.text.contains("<b>Bold</b>"))
            let leadCSRF = Browser.csrf(page)
            let leadID = String(location.dropFirst(6).dropLast())
            for (path, fields, errorID) in [("notes", [("note", "  ")], "note-error"), ("tasks", [("text", "")], "task-error"),
                                            ("tasks", [("text", "Call"), ("date", "tomorrow")], "date-error"),
                                            ("opportunities", [("value", "12.345")], "value-error"), ("opportunities", [("confidence", "101")], "confidence-error")] {
                let refused = try await browser.request(.post, "/lead/\(leadID)/\(path)", form: [("_csrf", leadCSRF)] + fields)
                #expect(refused.status == .badRequest && refused.text.contains(#"id="\#(errorID)""#), "\(path) \(fields)")
            }
            let lead = try await browser.app.json(.get, "/api/v1/lead/\(leadID)/", key: env.secret).json
            #expect((lead["opportunities"] as? [Any])?.isEmpty == true && (lead["tasks"] as? [Any])?.isEmpty == true)
            let notes = try await browser.app.json(.get, "/api/v1/activity/note/?lead_id=\(leadID)", key: env.secret).json["data"] as? [Any]
            #expect(notes?.isEmpty == true)

            // Another organization's lead is not found.
            let rival = try await env.otherOrganization()
            let theirs = try #require(try await browser.app.json(.post, "/api/v1/lead/", key: rival.secret, #"{"name": "Theirs"}"#).json["id"] as? String)
            #expect(try await browser.request(.get, "/lead/\(theirs)/").status == .notFound)
            #expect(try await browser.request(.post, "/lead/\(theirs)/notes", form: [("_csrf", leadCSRF), ("note", "x")]).status == .notFound)
        }
    }

    @Test func anInvitedTeammateJoinsThroughTheLinkOnce() async throws {
        try await Self.withConsole { env, admin in
            _ = try await admin.signIn("ada@example.com", Self.password)
            let team = try await admin.request(.get, "/settings/team")
            let refused = try await admin.request(.post, "/settings/team", form: [("_csrf", Browser.csrf(team)), ("email", "not-an-email"), ("role_id", "user")])
            #expect(refused.status == .badRequest && refused.text.contains(#"id="email-error""#))
            let invited = try await admin.request(.post, "/settings/team", form: [("_csrf", Browser.csrf(team)), ("email", "grace@example.com"), ("role_id", "user")])
            #expect(invited.status == .ok && invited.text.contains("COPY NOW"))
            let link = try #require(invited.text.components(separatedBy: #"<code id="invite-link">"#).dropFirst().first?.prefix { $0 != "<" })
            let path = String(link[link.range(of: "/invite/")!.lowerBound...])
            #expect(!(try await admin.request(.get, "/settings/team")).text.contains(path), "the link is shown once")

            let grace = Browser(admin.app)
            let page = try await grace.request(.get, path)
            #expect(page.status == .ok && page.text.contains("grace@example.com") && page.text.contains("Acme Sales"))
            let short = try await grace.request(.post, path, form: [("_csrf", Browser.csrf(page)), ("first_name", "Grace"), ("password", "short")])
            #expect(short.status == .badRequest && short.text.contains(#"id="password-error""#))
            #expect(try await grace.request(.post, path, form: [("first_name", "Grace"), ("password", Self.password)]).status == .forbidden)
            let joined = try await grace.request(.post, path, form: [("_csrf", Browser.csrf(page)), ("first_name", "Grace"), ("last_name", "Hopper"), ("password", Self.password)])
            #expect(joined.status == .seeOther && joined.headers[.location] == "/leads" && grace.cookies["closr_session"] != nil)
            #expect(try await grace.request(.get, "/leads").status == .ok)
            // Once only.
            #expect(try await Browser(admin.app).request(.get, path).status == .notFound)
            // The token is a secret: never in the logs.
            let token = String(path.dropFirst("/invite/".count))
            #expect(!env.logs.all.contains { $0.contains(token) } && env.logs.all.contains { $0.contains("/invite/[token]") })
            let members = try await admin.app.json(.get, "/api/v1/membership/", key: env.secret).json["data"] as? [[String: Any]] ?? []
            #expect(members.contains { $0["user_email"] as? String == "grace@example.com" && $0["user_full_name"] as? String == "Grace Hopper" && $0["role_id"] as? String == "user" })
            let roles = try await admin.app.json(.get, "/api/v1/role/", key: env.secret).json["data"] as? [[String: Any]] ?? []
            #expect(roles.compactMap { $0["id"] as? String } == ["admin", "user"])
        }
    }

    @Test func aDeactivatedMembersSessionAndKeysStopAtOnce() async throws {
        try await Self.withConsole { env, browser in
            let member = try await env.member(email: "bob@example.com", role: "user")
            try await env.services.passwords.set(email: "bob@example.com", password: Self.password)
            _ = try await browser.signIn("bob@example.com", Self.password)
            #expect(try await browser.request(.get, "/settings/integrations").status == .ok)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: member.secret).status == .ok)
            // A member cannot change the team.
            #expect(try await browser.app.json(.post, "/api/v1/membership/", key: member.secret, #"{"email": "x@example.com", "role_id": "admin"}"#).status == .forbidden)

            let members = try await browser.app.json(.get, "/api/v1/membership/", key: env.secret).json["data"] as? [[String: Any]] ?? []
            let bob = try #require(members.first { $0["user_email"] as? String == "bob@example.com" }?["id"] as? String)
            let deactivated = try await browser.app.json(.put, "/api/v1/membership/\(bob)/", key: env.secret, #"{"is_active": false}"#)
            #expect(deactivated.status == .ok && deactivated.json["is_active"] as? Bool == false)
            #expect(try await browser.request(.get, "/settings/integrations").status == .seeOther, "the session stopped")
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: member.secret).status == .unauthorized, "the key stopped")
            #expect(try await browser.signIn("bob@example.com", Self.password).status == .unauthorized)
            // An admin cannot lock the organization out by deactivating themselves.
            let adaID = try #require(members.first { $0["user_email"] as? String == "ada@example.com" }?["id"] as? String)
            #expect(try await browser.app.json(.put, "/api/v1/membership/\(adaID)/", key: env.secret, #"{"is_active": false}"#).status == .badRequest)
        }
    }

    @Test func rotatingShowsTheNewKeyOnceAndTheLimitAndEmptyStateAreExplained() async throws {
        try await Self.withConsole { env, browser in
            _ = try await browser.signIn("ada@example.com", Self.password)
            let card = try await browser.request(.get, "/settings/integrations")
            let bootstrap = env.bootstrapKey.key.id
            let rotated = try await browser.request(.post, "/settings/api-keys/\(bootstrap)/rotate", form: [("_csrf", Browser.csrf(card))])
            let secret = String(try #require(rotated.text.components(separatedBy: #"<code id="new-key">"#).dropFirst().first?.prefix { $0 != "<" }))
            #expect(rotated.status == .ok && rotated.text.contains("COPY NOW") && secret != env.secret)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: secret).status == .ok)
            #expect(try await browser.app.json(.get, "/api/v1/me/", key: env.secret).status == .ok, "the old key works through its grace period")
            #expect(!(try await browser.request(.get, "/settings/integrations")).text.contains(secret))

            for index in 0..<8 { _ = try await browser.app.json(.post, "/api/v1/api_key/", key: secret, #"{"label": "filler \#(index)"}"#) }
            let full = try await browser.request(.get, "/settings/integrations")
            #expect(full.text.contains(#"id="key-limit""#) && full.text.contains(#"id="generate" disabled"#), "10 active keys: the limit is explained")

            let member = try await env.member(email: "bob@example.com", role: "user")
            try await env.services.passwords.set(email: "bob@example.com", password: Self.password)
            let bob = Browser(browser.app)
            _ = try await bob.signIn("bob@example.com", Self.password)
            let bobsCard = try await bob.request(.get, "/settings/integrations")
            _ = try await bob.request(.post, "/settings/api-keys/\(try #require(bobsCard.text.components(separatedBy: #"data-key-id=""#).dropFirst().first?.prefix { $0 != "\"" }))/revoke",
                                      form: [("_csrf", Browser.csrf(bobsCard))])
            let empty = try await bob.request(.get, "/settings/integrations")
            #expect(empty.text.contains(#"id="keys-empty""#) && empty.text.contains("tracker.js") && empty.text.contains("/mcp"), "the empty state says what keys are for")
            _ = member
        }
    }

    /// The security review's findings, each held: no link for another organization's member, a burst of
    /// guesses held to the limit, emails one user whatever their case, one live link per person, a
    /// deactivated invitee's link dead, an edit of a missing lead a 404.
    @Test func invitationsAndSignInHoldUnderAbuse() async throws {
        try await Self.withConsole { env, browser in
            // Carol is invited to Acme (no password yet); Rival's admin invites her too: no link for Rival.
            let acme = try await browser.app.json(.post, "/api/v1/membership/", key: env.secret, #"{"email": "carol@example.com", "role_id": "user"}"#).json
            let acmeLink = try #require(acme["invitation_url"] as? String)
            let rival = try await env.otherOrganization()
            let rivals = try await browser.app.json(.post, "/api/v1/membership/", key: rival.secret, #"{"email": "CAROL@example.com", "role_id": "admin"}"#)
            #expect(rivals.status == .ok && rivals.json["invitation_url"] == nil, "\(rivals.json)")
            // Case does not make a second Carol.
            let carols = try await env.store.read { db in
                try await db.select().column("id").from("users").where(SQLFunction("lower", args: SQLColumn("email")), .equal, SQLBind("carol@example.com")).all()
            }
            #expect(carols.count == 1)

            // Inviting again replaces the link; the first no longer works.
            _ = try await browser.app.json(.put, "/api/v1/membership/\(try #require(acme["id"] as? String))/", key: env.secret, #"{"is_active": false}"#)
            let again = try await browser.app.json(.post, "/api/v1/membership/", key: env.secret, #"{"email": "carol@example.com", "role_id": "user"}"#).json
            let secondLink = try #require(again["invitation_url"] as? String)
            #expect(try await Browser(browser.app).request(.get, acmeLink).status == .notFound)
            // Accepting signs in to the inviting organization.
            let carol = Browser(browser.app)
            let page = try await carol.request(.get, secondLink)
            #expect(page.text.contains("Acme Sales"))
            _ = try await carol.request(.post, secondLink, form: [("_csrf", Browser.csrf(page)), ("first_name", "Carol"), ("password", Self.password)])
            let me = try await carol.request(.get, "/settings/integrations")
            #expect(me.status == .ok && me.text.contains("carol@example.com"))
            let carolsToken = try #require(carol.cookies["closr_session"])
            let session = try #require(try await env.services.sessions.principal(token: carolsToken))
            #expect(session.organizationID == env.organizationID)

            // A deactivated invitee's link does not work.
            let dave = try await browser.app.json(.post, "/api/v1/membership/", key: env.secret, #"{"email": "dave@example.com", "role_id": "user"}"#).json
            _ = try await browser.app.json(.put, "/api/v1/membership/\(try #require(dave["id"] as? String))/", key: env.secret, #"{"is_active": false}"#)
            let davesBrowser = Browser(browser.app)
            let davesPage = try await davesBrowser.request(.get, try #require(dave["invitation_url"] as? String))
            if davesPage.status == .ok {
                let joined = try await davesBrowser.request(.post, try #require(dave["invitation_url"] as? String),
                                                           form: [("_csrf", Browser.csrf(davesPage)), ("first_name", "Dave"), ("password", Self.password)])
                #expect(davesBrowser.cookies["closr_session"] == nil && joined.status != .seeOther)
            }

            // Ten guesses at once: no more than five are checked.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { Int(try await Browser(browser.app).signIn("ada@example.com", "wrong guess!").status.code) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count <= 5 && statuses.filter { $0 == 429 }.count >= 5, "\(statuses)")

        }
    }

    @Test func editingAMissingLeadIsNotFound() async throws {
        try await Self.withConsole { _, browser in
            _ = try await browser.signIn("ada@example.com", Self.password)
            let form = try await browser.request(.get, "/leads/new")
            #expect(try await browser.request(.post, "/lead/lead_missing000000/edit", form: [("_csrf", Browser.csrf(form)), ("name", "X")]).status == .notFound)
            #expect(try await browser.request(.get, "/lead/lead_missing000000/edit").status == .notFound)
        }
    }
}
