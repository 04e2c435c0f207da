import ClosrCore
import ClosrModel
import HTTPTypes
import Hummingbird

/// Verifies the request's API key and puts the ``Principal`` on the context; any missing, malformed,
/// unknown, revoked or expired key is refused with 401, and a request outside the key's scopes with
/// 403, before a controller runs.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = ClosrRequestContext
    let verifier: APIKeyVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // A principal already on the context was put there in this process (a console page calling the
        // API for its signed-in user, ``InProcessCloseAPI``): a request from outside starts without one.
        if let principal = context.principal {
            if let refusal = ScopePolicy.refusal(scopes: principal.scopes, method: request.method, path: request.uri.path) { throw refusal }
            return try await next(request, context)
        }
        var context = context
        context.principal = try await Self.principal(for: request, context: context, verifier: verifier)
        return try await next(request, context)
    }

    /// The principal of the key the request's headers present, scopes checked against the request unless
    /// the route judges them itself (`/mcp` offers tools by scope). `fallbackKey` is a key the body carried
    /// instead (an HTML form's `_api_key`, readable by anyone who opens the page), so only a key narrowed
    /// to `inbound` is accepted from it.
    static func principal(
        for request: Request, context: Context, verifier: APIKeyVerifier, fallbackKey: String? = nil, checkingScopes: Bool = true
    ) async throws -> Principal {
        let credential = PresentedCredential(
            authorization: request.headers[.authorization],
            apiKeyHeader: request.headers[.xAPIKey] ?? request.headers[.closeAPIKey]
        )
        let secret: [UInt8]
        var fromBody = false
        switch credential {
        case .none:
            guard let fallbackKey, !fallbackKey.isEmpty else {
                throw CloseError.unauthorized(
                    fallbackKey == nil
                        ? "Unauthorized: send your API key as the HTTP Basic username"
                        : "Unauthorized: send an inbound API key in an x-api-key header or an _api_key field"
                )
            }
            secret = Array(fallbackKey.utf8)
            fromBody = true
        case .malformed: throw CloseError.unauthorized("Unauthorized: the credential could not be read")
        case .key(let key): secret = key
        }
        let principal = try await verifier.verify(secret: secret, ip: context.clientIP, userAgent: request.headers[.userAgent])
        if fromBody, principal.scopes != [.inbound] {
            throw CloseError.forbidden(
                "A key in a form field can be read by everyone who opens the page: only a key with just the inbound scope is accepted there. Create one with `closr keys create --scope inbound`, and revoke this one if the page was public."
            )
        }
        if checkingScopes, let refusal = ScopePolicy.refusal(scopes: principal.scopes, method: request.method, path: request.uri.path) {
            throw refusal
        }
        return principal
    }
}

extension HTTPField.Name {
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
