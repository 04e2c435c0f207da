import ClosrCore
import ClosrModel
import HTTPTypes
import Hummingbird
import NIOCore

/// The public side of inbound intake, outside `/api/v1/`: `POST /api/leads/inbound` for web forms,
/// Zapier and Make, `POST /api/tracker/page_view/` for the tracker, their CORS preflights, and
/// `GET /tracker.js`.
///
/// These routes authenticate themselves: an HTML form cannot send a header, so a form post may carry
/// its (inbound-only) key in an `_api_key` field, which is only known once the body is read. Every
/// answer but an origin refusal carries CORS headers, so a page's script can read the errors too.
struct InboundController {
    let services: CoreServices
    /// Per-key limits of inbound posts and page views; nil when turned off.
    let limiter: RateLimiter?

    /// A form post, or a page view, larger than this is refused (413).
    static let maxBodyBytes = 64 * 1024

    func addRoutes(to routes: CloseRoutes) {
        routes.on("api/leads/inbound", .post) { request, context in
            try await InboundCORS.answer(request) { try await submit(request, context: context) }
        }
        routes.on("api/tracker/page_view", .post) { request, context in
            try await InboundCORS.answer(request) { try await pageView(request, context: context) }
        }
        for path in ["api/leads/inbound", "api/tracker/page_view"] {
            routes.on(path, .options) { request, _ in InboundCORS.preflight(request) }
        }
        routes.on("tracker.js", .get) { request, _ in TrackerScript.response(for: request) }
    }

    private func submit(_ request: Request, context: ClosrRequestContext) async throws -> Response {
        let bytes = try await Self.body(of: request)
        var principal: Principal?
        if request.headers[.authorization] != nil || request.headers[.xAPIKey] != nil {
            principal = try await admit(request, context: context, fallbackKey: nil)
        }
        let form = try InboundFormBody.parse(bytes, contentType: request.headers[.contentType])
        if principal == nil {
            let key = form.fields.first { ["_api_key", "api_key"].contains($0.name) }?.value ?? ""
            principal = try await admit(request, context: context, fallbackKey: key)
        }
        guard let principal else { throw CloseError.unauthorized() }
        let settings = try await allowedSettings(request, principal: principal)
        let submission = InboundSubmission(fields: form.fields.map { ($0.name, $0.value) })
        let redirect = try submission.redirect.map { try Self.redirectTarget($0, settings: settings) }
        let outcome = try await services.inbound.submit(
            submission, settings: settings, principal: principal, origin: context.origin(of: request),
            context: .init(
                ip: context.clientIP, browserOrigin: request.headers[.origin], referer: request.headers[.referer],
                doNotTrack: Self.doNotTrack(request)
            )
        )
        if let redirect {
            return Response(status: .seeOther, headers: [.location: redirect])
        }
        return JSONResponse.make(outcome, status: .created)
    }

    private func pageView(_ request: Request, context: ClosrRequestContext) async throws -> Response {
        let principal = try await admit(request, context: context, fallbackKey: nil)
        let settings = try await allowedSettings(request, principal: principal)
        let body = try await JSONRequestBody.value(from: request, maxBytes: Self.maxBodyBytes)
        let view = try PageViewService.Input(body)
        if settings.respectDoNotTrack, Self.doNotTrack(request) {
            return Response(status: .noContent)
        }
        let id = try await services.pageViews.record(view, ip: context.clientIP, userAgent: request.headers[.userAgent], in: principal.scope)
        return JSONResponse.make(.object([("id", .string(id))]), status: .created)
    }

    /// The key's principal, counted against its inbound limit.
    private func admit(_ request: Request, context: ClosrRequestContext, fallbackKey: String?) async throws -> Principal {
        let principal = try await APIKeyAuthenticator.principal(for: request, context: context, verifier: services.verifier, fallbackKey: fallbackKey)
        if let limiter {
            let decision = limiter.admit(key: principal.apiKeyID, organization: principal.organizationID, now: .now())
            guard decision.allowed else { throw RateLimitMiddleware.refusal(decision) }
        }
        return principal
    }

    /// The organization's settings, once the request's browser origin (if any) is one it allows.
    private func allowedSettings(_ request: Request, principal: Principal) async throws -> InboundSettings {
        let settings = try await services.inboundSettings.settings(in: principal.scope)
        if let origin = request.headers[.origin], !BrowserOrigin.isAllowed(origin, by: settings.allowedOrigins) {
            throw InboundCORS.refusal(origin: origin)
        }
        return settings
    }

    /// The body limit of a path these routes serve, for ``CloseErrorMiddleware``'s 413; nil for others.
    static func bodyLimit(path: String) -> Int? {
        ScopePolicy.inboundPathPrefixes.contains { path.hasPrefix($0) } ? maxBodyBytes : nil
    }

    /// The body, at most ``maxBodyBytes`` (a longer one throws what ``CloseErrorMiddleware`` answers 413).
    private static func body(of request: Request) async throws -> [UInt8] {
        var request = request
        return Array(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
    }

    /// `_redirect` must be an absolute http(s) address, and on an allowed origin when the organization
    /// lists any, so that a key cannot be used to bounce visitors to someone else's site.
    static func redirectTarget(_ text: String, settings: InboundSettings) throws -> String {
        let lower = text.lowercased()
        guard text.count <= 2000, lower.hasPrefix("http://") || lower.hasPrefix("https://"),
              !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw CloseError.validation(["_redirect": "Expected an absolute http or https address to send the visitor to."])
        }
        let afterScheme = text[text.index(text.startIndex, offsetBy: lower.hasPrefix("https") ? 8 : 7)...]
        let origin = String(text[..<(afterScheme.firstIndex { "/?#".contains($0) } ?? text.endIndex)])
        if !settings.allowedOrigins.isEmpty, !BrowserOrigin.isAllowed(origin, by: settings.allowedOrigins) {
            throw CloseError.validation(["_redirect": "\(origin) is not one of the organization's allowed origins."])
        }
        return text
    }

    static func doNotTrack(_ request: Request) -> Bool {
        request.headers[.dnt] == "1" || request.headers[.secGPC] == "1"
    }
}

extension HTTPField.Name {
    static let dnt = HTTPField.Name("DNT")!
    static let secGPC = HTTPField.Name("Sec-GPC")!
}
