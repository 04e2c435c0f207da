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
    /// Per-key limits, one for form posts and one for page views, so that a busy site's tracker (or a
    /// script replaying the page's key for views) cannot use up its forms' share; nil when turned off.
    let postLimiter: RateLimiter?
    let viewLimiter: RateLimiter?

    init(services: CoreServices, rateLimit: RateLimitPolicy?) {
        self.services = services
        self.postLimiter = rateLimit.map { RateLimiter(policy: $0) }
        self.viewLimiter = rateLimit.map { RateLimiter(policy: $0) }
    }

    /// A form post, or a page view, larger than this is refused (413).
    static let maxBodyBytes = 64 * 1024

    func addRoutes(to routes: CloseRoutes) {
        routes.on("api/leads/inbound", .post) { request, context in
            let gate = InboundCORS.Gate()
            return try await InboundCORS.answer(request, gate) { try await submit(request, context: context, gate: gate) }
        }
        routes.on("api/tracker/page_view", .post) { request, context in
            let gate = InboundCORS.Gate()
            return try await InboundCORS.answer(request, gate) { try await pageView(request, context: context, gate: gate) }
        }
        for path in ["api/leads/inbound", "api/tracker/page_view"] {
            routes.on(path, .options) { request, _ in InboundCORS.preflight(request) }
        }
        routes.on("tracker.js", .get) { request, _ in TrackerScript.response(for: request) }
    }

    private func submit(_ request: Request, context: ClosrRequestContext, gate: InboundCORS.Gate) async throws -> Response {
        let bytes = try await Self.body(of: request)
        var admitted: (principal: Principal, configuration: InboundIntake.Configuration)?
        if request.headers[.authorization] != nil || request.headers[.xAPIKey] != nil {
            admitted = try await admit(request, context: context, fallbackKey: nil, limiter: postLimiter, gate: gate)
        }
        let form = try InboundFormBody.parse(bytes, contentType: request.headers[.contentType])
        if admitted == nil {
            let key = form.fields.first { InboundSubmission.isKeyField($0.name) }?.value ?? ""
            admitted = try await admit(request, context: context, fallbackKey: key, limiter: postLimiter, gate: gate)
        }
        guard let (principal, configuration) = admitted else { throw CloseError.unauthorized() }
        let submission = InboundSubmission(fields: form.fields.map { ($0.name, $0.value) })
        let redirect = try submission.redirect.map { try InboundRedirect.target($0, allowedOrigins: configuration.settings.allowedOrigins) }
        let outcome = try await services.inbound.submit(
            submission, configuration: configuration, principal: principal, origin: context.origin(of: request),
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

    private func pageView(_ request: Request, context: ClosrRequestContext, gate: InboundCORS.Gate) async throws -> Response {
        let (principal, configuration) = try await admit(request, context: context, fallbackKey: nil, limiter: viewLimiter, gate: gate)
        let body = try await JSONRequestBody.value(from: request, maxBytes: Self.maxBodyBytes)
        let view = try PageViewService.Input(body)
        if configuration.settings.respectDoNotTrack, Self.doNotTrack(request) {
            return Response(status: .noContent)
        }
        let id = try await services.pageViews.record(view, ip: context.clientIP, userAgent: request.headers[.userAgent], in: principal.scope)
        return JSONResponse.make(.object([("id", .string(id))]), status: .created)
    }

    /// The key's principal and its organization's configuration, once the request's browser origin (if any)
    /// is one the organization allows — and only then counted against the key's limit, so posts refused
    /// for their origin do not use up the site's share.
    private func admit(
        _ request: Request, context: ClosrRequestContext, fallbackKey: String?, limiter: RateLimiter?, gate: InboundCORS.Gate
    ) async throws -> (Principal, InboundIntake.Configuration) {
        let principal = try await APIKeyAuthenticator.principal(for: request, context: context, verifier: services.verifier, fallbackKey: fallbackKey)
        let configuration = try await services.inbound.configuration(in: principal.scope)
        if let origin = request.headers[.origin] {
            guard BrowserOrigin.isAllowed(origin, by: configuration.settings.allowedOrigins) else { throw InboundCORS.refusal(origin: origin) }
            gate.open()
        }
        if let limiter {
            let decision = limiter.admit(key: principal.rateLimitKey, organization: principal.organizationID, now: .now())
            guard decision.allowed else { throw RateLimitMiddleware.refusal(decision) }
        }
        return (principal, configuration)
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

    static func doNotTrack(_ request: Request) -> Bool {
        request.headers[.dnt] == "1" || request.headers[.secGPC] == "1"
    }
}

extension HTTPField.Name {
    static let dnt = HTTPField.Name("DNT")!
    static let secGPC = HTTPField.Name("Sec-GPC")!
}
