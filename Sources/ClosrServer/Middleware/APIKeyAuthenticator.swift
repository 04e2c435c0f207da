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
        let credential = PresentedCredential(
            authorization: request.headers[.authorization],
            apiKeyHeader: request.headers[.xAPIKey]
        )
        let secret: [UInt8]
        switch credential {
        case .none: throw CloseError.unauthorized("Unauthorized: send your API key as the HTTP Basic username")
        case .malformed: throw CloseError.unauthorized("Unauthorized: the credential could not be read")
        case .key(let key): secret = key
        }
        var context = context
        let principal = try await verifier.verify(secret: secret, ip: context.clientIP, userAgent: request.headers[.userAgent])
        if let refusal = ScopePolicy.refusal(scopes: principal.scopes, method: request.method, path: request.uri.path) {
            throw refusal
        }
        context.principal = principal
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
