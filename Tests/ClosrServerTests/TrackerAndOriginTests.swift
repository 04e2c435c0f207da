import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// The web tracker (`/tracker.js`, page views linked to the lead a visitor becomes), browser origins
/// (CORS allowed and refused), Do Not Track, and the inbound settings themselves.
@Suite struct TrackerAndOriginTests {
    static let visitor = "v1sitor-0123456789_abc"

    static func view(_ client: some TestClientProtocol, key: String, _ body: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.xAPIKey: key, .contentType: "application/json"]
        for field in extra { headers[field.name] = field.value }
        return try await client.execute(uri: "/api/tracker/page_view/", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func views(_ client: some TestClientProtocol, _ admin: String, _ query: String) async throws -> [[String: Any]] {
        let response = try await client.json(.get, "/api/v1/page_view/?\(query)", key: admin)
        #expect(response.status == .ok, "\(response.text)")
        return response.json["data"] as? [[String: Any]] ?? []
    }

    @Test func pageViewsBeforeAndAfterAFormPostAreTheLeads() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            for (page, title) in [("https://site.example/", "Home – Site"), ("https://site.example/pricing", "Pricing")] {
                let stored = try await Self.view(client, key: key, #"{"visitor_id": "\#(Self.visitor)", "url": "\#(page)", "referrer": "https://search.example/?q=crm", "title": "\#(title)"}"#,
                                                 headers: [.userAgent: "TestBrowser/1.0"])
                #expect(stored.status == .created && (stored.json["id"] as? String)?.hasPrefix("pageview_") == true, "\(stored.text)")
            }
            #expect(try await Self.views(client, admin, "visitor_id=\(Self.visitor)").allSatisfy { $0["lead_id"] is NSNull })
            let posted = try await InboundIntakeTests.post(client, key: key, json: #"{"email": "visitor@site.example", "_visitor_id": "\#(Self.visitor)"}"#)
            let leadID = try #require(posted.json["lead_id"] as? String)
            _ = try await Self.view(client, key: key, #"{"visitor_id": "\#(Self.visitor)", "url": "https://site.example/thanks"}"#)
            _ = try await Self.view(client, key: key, #"{"visitor_id": "someone-else-0123456789", "url": "https://site.example/"}"#)

            let views = try await Self.views(client, admin, "lead_id=\(leadID)")
            #expect(views.compactMap { $0["url"] as? String } == ["https://site.example/thanks", "https://site.example/pricing", "https://site.example/"])
            #expect(views.allSatisfy { $0["lead_id"] as? String == leadID && $0["visitor_id"] as? String == Self.visitor })
            let first = try #require(views.last)
            #expect(first["title"] as? String == "Home – Site" && first["referrer"] as? String == "https://search.example/?q=crm")
            #expect(first["user_agent"] as? String == "TestBrowser/1.0" && (first["date_created"] as? String)?.hasSuffix("+00:00") == true)
            let all = try await Self.views(client, admin, "_limit=2")
            #expect(all.count == 2 && all.first?["lead_id"] is NSNull, "the other visitor stays anonymous")
            #expect(try await client.json(.get, "/api/v1/page_view/?_limit=2", key: admin).json["has_more"] as? Bool == true)

            // A merge takes the visitor along; deleting the lead unlinks them.
            let other = try #require(try await client.json(.post, "/api/v1/lead/", key: admin, #"{"name": "Keeper"}"#).json["id"] as? String)
            #expect(try await client.json(.post, "/api/v1/lead/merge/", key: admin, #"{"source": "\#(leadID)", "destination": "\#(other)"}"#).status == .ok)
            #expect(try await Self.views(client, admin, "lead_id=\(other)").count == 3)
            #expect(try await client.json(.delete, "/api/v1/lead/\(other)/", key: admin).status == .ok)
            #expect(try await Self.views(client, admin, "lead_id=\(other)").isEmpty)
            #expect(try await Self.views(client, admin, "visitor_id=\(Self.visitor)").count == 3, "the views themselves stay, anonymous again")
        }
    }

    @Test func badPageViewsAreRefused() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            for (body, field) in [
                (#"{"url": "https://a.example/"}"#, "visitor_id"), (#"{"visitor_id": "short", "url": "https://a.example/"}"#, "visitor_id"),
                (#"{"visitor_id": "\#(Self.visitor)", "url": "javascript:alert(1)"}"#, "url"), (#"{"visitor_id": "\#(Self.visitor)"}"#, "url"),
                (#"{"visitor_id": "\#(Self.visitor)", "url": "https://a.example/", "title": "\#(String(repeating: "t", count: 600))"}"#, "title"),
            ] {
                let response = try await Self.view(client, key: key, body)
                #expect(response.status == .badRequest && (response.json["field-errors"] as? [String: String])?[field] != nil, "\(body.prefix(80)): \(response.text)")
            }
            #expect(try await Self.view(client, key: admin, "[]").status == .badRequest)
            #expect(try await Self.views(client, admin, "").isEmpty)
            #expect(try await client.execute(uri: "/api/tracker/page_view/", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")).status == .unauthorized)
        }
    }

    @Test func browserOriginsAreAllowedOnlyWhenListed() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            let preflight = try await client.execute(uri: "/api/leads/inbound", method: .options, headers: [
                .origin: "https://www.example.com", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type,x-api-key",
            ])
            #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowOrigin] == "https://www.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.lowercased().contains("x-api-key") == true)
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)

            let body = #"{"email": "cors@example.com"}"#
            let fromSite: HTTPFields = [.origin: "https://www.example.com"]
            let refused = try await InboundIntakeTests.post(client, key: key, json: body, headers: fromSite)
            #expect(refused.status == .forbidden && refused.headers[.accessControlAllowOrigin] == nil, "no origin is allowed by default")
            #expect((refused.json["error"] as? String)?.contains("allowed_origins") == true)
            let viewRefused = try await Self.view(client, key: key, #"{"visitor_id": "\#(Self.visitor)", "url": "https://www.example.com/"}"#, headers: fromSite)
            #expect(viewRefused.status == .forbidden && viewRefused.headers[.accessControlAllowOrigin] == nil)
            #expect(try await InboundIntakeTests.leadCount(client, admin) == 0)
            #expect(try await Self.views(client, admin, "").isEmpty)

            let settings = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["HTTPS://www.Example.com/", "https://*.shop.example"]}"#)
            #expect(settings.json["allowed_origins"] as? [String] == ["https://www.example.com", "https://*.shop.example"], "\(settings.text)")
            let allowed = try await InboundIntakeTests.post(client, key: key, json: body, headers: fromSite)
            #expect(allowed.status == .created && allowed.headers[.accessControlAllowOrigin] == "https://www.example.com")
            #expect(allowed.headers[.vary] == "Origin")
            let subdomain = try await Self.view(client, key: key, #"{"visitor_id": "\#(Self.visitor)", "url": "https://eu.shop.example/"}"#, headers: [.origin: "https://eu.shop.example"])
            #expect(subdomain.status == .created && subdomain.headers[.accessControlAllowOrigin] == "https://eu.shop.example")
            for other in ["https://shop.example", "http://www.example.com", "https://www.example.com.evil.example", "null"] {
                #expect(try await InboundIntakeTests.post(client, key: key, json: body, headers: [.origin: other]).status == .forbidden, "\(other)")
            }
            // Errors of an allowed origin are readable by the page's script.
            let invalid = try await InboundIntakeTests.post(client, key: key, json: #"{"note": "no contact"}"#, headers: fromSite)
            #expect(invalid.status == .badRequest && invalid.headers[.accessControlAllowOrigin] == "https://www.example.com")
            // Servers, Zapier and Make send no Origin and are not browser posts.
            #expect(try await InboundIntakeTests.post(client, key: key, json: #"{"email": "zap@example.com"}"#).status == .created)
            #expect(try await InboundIntakeTests.leadCount(client, admin) == 2)
        }
    }

    @Test func doNotTrackIsHonouredWhenTheOrganizationSaysSo() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp { client in
            let key = try await InboundIntakeTests.inboundKey(client, admin: admin)
            let view = #"{"visitor_id": "\#(Self.visitor)", "url": "https://site.example/"}"#
            #expect(try await Self.view(client, key: key, view, headers: [.dnt: "1"]).status == .created, "ignored by default")
            _ = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"respect_do_not_track": true}"#)
            #expect(try await Self.view(client, key: key, view, headers: [.dnt: "1"]).status == .noContent)
            #expect(try await Self.view(client, key: key, view, headers: [.secGPC: "1"]).status == .noContent)
            #expect(try await Self.views(client, admin, "").count == 1)
            let posted = try await InboundIntakeTests.post(client, key: key, json: #"{"email": "dnt@example.com", "_visitor_id": "\#(Self.visitor)"}"#, headers: [.secGPC: "1"])
            #expect(posted.status == .created, "the form itself is kept: the visitor sent it")
            #expect(try await Self.views(client, admin, "lead_id=\(try #require(posted.json["lead_id"] as? String))").isEmpty, "but not linked to their browsing")
        }
    }

    @Test func settingsAreReadByAllAndChangedByAdminsOnly() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        let member = try await env.member(email: "mo@example.com", role: "user")
        try await env.withApp { client in
            let initial = try await client.json(.get, "/api/v1/inbound_settings/", key: member.secret).json
            #expect(initial["allowed_origins"] as? [String] == [] && initial["dedupe_by_email"] as? Bool == true && initial["respect_do_not_track"] as? Bool == false)
            #expect(try await client.json(.put, "/api/v1/inbound_settings/", key: member.secret, #"{"dedupe_by_email": false}"#).status == .forbidden)
            for (body, field) in [
                (#"{"allowed_origins": ["https://a.example/path"]}"#, "allowed_origins"), (#"{"allowed_origins": ["ftp://a.example"]}"#, "allowed_origins"),
                (#"{"allowed_origins": "https://a.example"}"#, "allowed_origins"), (#"{"dedupe_by_email": "yes"}"#, "dedupe_by_email"),
                (#"{"colour": "red"}"#, "colour"),
            ] {
                let response = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, body)
                #expect(response.status == .badRequest && (response.json["field-errors"] as? [String: String])?[field] != nil, "\(body): \(response.text)")
            }
            let changed = try await client.json(.put, "/api/v1/inbound_settings/", key: admin, #"{"allowed_origins": ["http://localhost:3000"], "respect_do_not_track": true}"#)
            #expect(changed.status == .ok && changed.json["respect_do_not_track"] as? Bool == true)
            #expect(try await client.json(.get, "/api/v1/inbound_settings/", key: member.secret).json["allowed_origins"] as? [String] == ["http://localhost:3000"])
            let events = try await client.json(.get, "/api/v1/event/?object_type=inbound_settings", key: admin).json["data"] as? [[String: Any]] ?? []
            #expect(events.count == 1 && Set(events.first?["changed_fields"] as? [String] ?? []) == ["allowed_origins", "respect_do_not_track", "date_updated"])
        }
    }

    @Test func trackerScriptIsSmallCacheableJavaScript() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { client in
            let script = try await client.execute(uri: "/tracker.js", method: .get)
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("application/javascript") == true)
            #expect(script.body.readableBytes < 3000 && script.body.readableBytes > 500, "\(script.body.readableBytes) bytes")
            #expect(script.headers[.cacheControl]?.contains("max-age") == true)
            let text = script.text
            for needle in ["data-key", "/api/tracker/page_view/", "/api/leads/inbound", "_visitor_id", "x-api-key"] {
                #expect(text.contains(needle), "\(needle)")
            }
            let etag = try #require(script.headers[.eTag])
            #expect(try await client.execute(uri: "/tracker.js", method: .get, headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.execute(uri: "/tracker.js", method: .post).status == .methodNotAllowed)
        }
    }
}
