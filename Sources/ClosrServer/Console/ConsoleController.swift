import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird

/// The web console's pages: sign in and out, Settings → Integrations (the API keys card), Team, the leads
/// and a lead (each in its `ConsoleController+…` file). `GET /` for a browser is ``HealthController``'s. Server-rendered (``ConsoleTemplates``), a little plain script
/// (``ConsoleAssets``), no build step. The pages read and change data through the server's own API in
/// process (``InProcessCloseAPI`` as the signed-in user), so a page does exactly what the API allows that
/// user — a member sees and revokes only their own keys, an admin every key — and writes the same events.
struct ConsoleController {
    let services: CoreServices
    let routes: APIResponderReference
    let trustedProxies: Set<String>
    let throttle = LoginThrottle()

    func addRoutes(to routes: CloseRoutes) {
        routes.on("login", .get) { request, context in try await loginPage(request, context: context) }
        routes.on("login", .post) { request, context in try await signIn(request, context: context) }
        routes.on("logout", .post) { request, context in try await signOut(request, context: context) }
        routes.on("settings/integrations", .get) { request, context in
            try await signedIn(request, context) { session in try await keysPage(request, context, session) }
        }
        routes.on("settings/api-keys", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await generate(request, context, session, form) }
        }
        routes.on("settings/api-keys/:id/revoke", .post) { request, context in
            try await signedInForm(request, context) { session, _ in
                let id = context.parameters.get("id") ?? ""
                do {
                    _ = try await api(request, context, session).send(.DELETE, "api_key/\(CloseAPIDecoding.percentEncoded(id))/")
                } catch let error as CloseError where (400..<500).contains(error.status) {
                    return try await keysPage(request, context, session, error: error.message, status: HTTPResponse.Status(code: error.status))
                }
                return ConsolePage.redirect("/settings/integrations")
            }
        }
        routes.on("settings/api-keys/:id/rotate", .post) { request, context in
            try await signedInForm(request, context) { session, _ in
                let id = context.parameters.get("id") ?? ""
                do {
                    let body = try await api(request, context, session).send(.POST, "api_key/\(CloseAPIDecoding.percentEncoded(id))/rotate/")
                    return try await keysPage(request, context, session, created: try JSONValue(parsing: body))
                } catch let error as CloseError where (400..<500).contains(error.status) {
                    return try await keysPage(request, context, session, error: error.message, status: HTTPResponse.Status(code: error.status))
                }
            }
        }
        routes.on("leads", .get) { request, context in
            try await signedIn(request, context) { session in try await leadsPage(request, context, session) }
        }
        addLeadRoutes(to: routes)
        addTeamRoutes(to: routes)
        routes.on("console/console.css", .get) { _, _ in ConsoleAssets.response(ConsoleAssets.css, contentType: "text/css; charset=utf-8") }
        routes.on("console/console.js", .get) { _, _ in ConsoleAssets.response(ConsoleAssets.script, contentType: "text/javascript; charset=utf-8") }
    }

    // MARK: Sessions

    func session(_ request: Request) async throws -> ConsolePage.Session? {
        guard let token = request.cookies[ConsolePage.sessionCookie]?.value,
              let principal = try await services.sessions.principal(token: token) else { return nil }
        return ConsolePage.Session(token: token, principal: principal)
    }

    /// A page for signed-in people; anyone else is sent to sign in and brought back.
    func signedIn(_ request: Request, _ context: ClosrRequestContext, _ page: (ConsolePage.Session) async throws -> Response) async throws -> Response {
        guard let session = try await session(request) else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return ConsolePage.redirect("/login?next=" + CloseAPIDecoding.percentEncoded(next))
        }
        return try await page(session)
    }

    /// A form post of a signed-in person, its CSRF token checked before anything else is read or done.
    func signedInForm(_ request: Request, _ context: ClosrRequestContext,
                      _ action: (ConsolePage.Session, [String: String]) async throws -> Response) async throws -> Response {
        guard let session = try await session(request) else { return ConsolePage.redirect("/login") }
        let form = try await ConsolePage.form(request)
        guard let sent = form["_csrf"], ConsolePage.same(sent, session.csrf) else { return ConsolePage.forbiddenForm() }
        return try await action(session, form)
    }

    func api(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session) -> InProcessCloseAPI {
        InProcessCloseAPI(routes: routes, principal: session.principal, request: request, context: context)
    }

    /// Whether the browser reached us over TLS: through a trusted proxy that says so.
    func isHTTPS(_ request: Request, _ context: ClosrRequestContext) -> Bool {
        guard let peer = context.remoteAddress?.ipAddress, trustedProxies.contains(peer) else { return false }
        return request.headers[.xForwardedProto]?.lowercased() == "https"
    }

    /// The secret of the forms shown before there is a session (sign-in, an invitation): the browser's
    /// `closr_login` cookie, or a new one, with the cookie to set.
    func loginFormSecret(_ request: Request, _ context: ClosrRequestContext) -> (secret: String, cookie: HTTPFields) {
        let secret = request.cookies[ConsolePage.loginCookie]?.value ?? "cl_" + UUID().uuidString + UUID().uuidString
        return (secret, cookie(ConsolePage.loginCookie, secret, maxAge: 3600, request, context))
    }

    /// Whether such a form came with its token (double submit: the cookie and the field agree).
    func loginFormIsGenuine(_ request: Request, _ form: [String: String]) -> Bool {
        guard let secret = request.cookies[ConsolePage.loginCookie]?.value, let sent = form["_csrf"] else { return false }
        return ConsolePage.same(sent, ConsoleSessions.csrfToken(for: secret))
    }

    /// Signed in: the session's cookie set, the sign-in form's cleared, on to `location`.
    func signedInRedirect(token: String, to location: String, _ request: Request, _ context: ClosrRequestContext) -> Response {
        var headers = cookie(ConsolePage.sessionCookie, token, maxAge: Int(ConsoleSessions.lifetime / 1_000_000), request, context)
        headers.append(contentsOf: cookie(ConsolePage.loginCookie, "", maxAge: 0, request, context))
        return ConsolePage.redirect(location, headers: headers)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, _ request: Request, _ context: ClosrRequestContext) -> HTTPFields {
        let cookie = Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: isHTTPS(request, context), httpOnly: true, sameSite: .lax)
        return [.setCookie: cookie.description]
    }

    // MARK: Signing in and out

    func loginPage(_ request: Request, context: ClosrRequestContext, error: String? = nil, email: String = "", next: String? = nil,
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        if error == nil, try await session(request) != nil { return ConsolePage.redirect(ConsolePage.safeNext(request.uri.queryParameters["next"].map(String.init))) }
        let (secret, loginCookie) = loginFormSecret(request, context)
        let values: [String: Any] = [
            "csrf": ConsoleSessions.csrfToken(for: secret), "email": email, "error": error as Any,
            "next": ConsolePage.safeNext(next ?? request.uri.queryParameters["next"].map(String.init)),
        ]
        return ConsolePage.page(title: "Sign in", template: "login", values, session: nil, status: status, headers: loginCookie)
    }

    func signIn(_ request: Request, context: ClosrRequestContext) async throws -> Response {
        let form = try await ConsolePage.form(request)
        guard loginFormIsGenuine(request, form) else { return ConsolePage.forbiddenForm() }
        let email = String((form["email"] ?? "").trimmingCharacters(in: .whitespaces).prefix(320))
        let next = form["next"]
        if let wait = throttle.reserve(email: email, ip: context.clientIP) {
            return try await loginPage(request, context: context, error: "Too many attempts. Try again in \((wait + 59) / 60) minutes.",
                                       email: email, next: next, status: .tooManyRequests)
        }
        guard let userID = try await services.passwords.verify(email: email, password: form["password"] ?? ""),
              let token = try await services.sessions.start(userID: userID, ip: context.clientIP, userAgent: request.headers[.userAgent]) else {
            // One message whether the email exists or not (the attempt was counted before the check).
            return try await loginPage(request, context: context, error: "Wrong email or password.", email: email, next: next, status: .unauthorized)
        }
        throttle.recordSuccess(email: email, ip: context.clientIP)
        return signedInRedirect(token: token, to: ConsolePage.safeNext(next), request, context)
    }

    func signOut(_ request: Request, context: ClosrRequestContext) async throws -> Response {
        try await signedInForm(request, context) { session, _ in
            try await services.sessions.end(token: session.token)
            return ConsolePage.redirect("/login", headers: cookie(ConsolePage.sessionCookie, "", maxAge: 0, request, context))
        }
    }
}
