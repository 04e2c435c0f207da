import ClosrCore
import ClosrModel
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What every console page shares: the names of its cookies, the session a page acts for, the page
/// response with its security headers, redirects, the 403 for a form without its token, and form bodies.
struct ConsolePage {
    static let sessionCookie = "closr_session"
    /// The sign-in form's own CSRF secret, before there is a session.
    static let loginCookie = "closr_login"

    /// A signed-in browser: its cookie's token and the principal it acts as.
    struct Session {
        let token: String
        let principal: Principal
        var csrf: String { ConsoleSessions.csrfToken(for: token) }
    }

    /// An HTML page: never cached (a page may hold a key shown once), never framed, no inline script or
    /// style, nothing from another site.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A page inside the layout: the navigation and sign-out form when signed in.
    static func page(title: String, template: String, _ values: [String: Any], session: Session?, email: String? = nil,
                     status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var values = values
        if let session { values["csrf"] = session.csrf }
        let body = ConsoleTemplates.render(template, values)
        var layout: [String: Any] = ["title": title, "body": body]
        if let session {
            layout["signedIn"] = true
            layout["csrf"] = session.csrf
            layout["email"] = email ?? ""
        }
        return html(ConsoleTemplates.render("layout", layout), status: status, headers: headers)
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }

    /// 403 for a form without the right CSRF token: it came from another site, or the page is stale.
    static func forbiddenForm() -> Response {
        html(ConsoleTemplates.render("layout", ["title": "Form expired", "body":
            "<section class=\"card\"><h1>This form has expired</h1><p>It was sent without this page's security token — from another site, or from a page open since before you signed in again. Go back, reload the page and try again.</p><p><a href=\"/\">Back to Closr</a></p></section>"]),
             status: .forbidden)
    }

    /// The form fields of a urlencoded POST (strict: a field given twice, bad encoding or more than 200
    /// fields is a 400 from the parser).
    static func form(_ request: Request, maxBytes: Int = 64 * 1024) async throws -> [String: String] {
        var request = request
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.collectBody(upTo: maxBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw CloseError.payloadTooLarge(limitBytes: maxBytes)
        }
        let parsed = try InboundFormBody.parse(bytes, contentType: request.headers[.contentType] ?? "application/x-www-form-urlencoded")
        var fields: [String: String] = [:]
        for field in parsed.fields { fields[field.name] = field.value }
        return fields
    }

    /// Equal strings in time that does not depend on where they differ.
    static func same(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `2026-12-06T18:40:12.123456+00:00` → `2026-12-06 18:40 UTC`.
    static func shortDate(_ timestamp: CloseTimestamp?) -> String {
        guard let text = timestamp?.iso8601, text.count >= 16 else { return "—" }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// Where to go after signing in: a path on this site only (`/leads`), never another site (`//evil`,
    /// `/\\evil`, `https://…`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return "/leads" }
        return next
    }
}

extension HTTPField.Name {
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
