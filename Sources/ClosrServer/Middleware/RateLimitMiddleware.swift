import ClosrModel
import HTTPTypes
import Hummingbird

/// Counts each authenticated request against its key's and its organization's windows, answers 429 past the limit, and puts
/// Close's rate-limit headers on every response so clients can pace themselves (close-api.md §4):
/// `RateLimit` (closeio parses it), `RateLimit-Policy`, the older `X-Rate-Limit-*` (tap-closeio reads
/// them), and `Retry-After` on 429.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ClosrRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal = try context.requirePrincipal()
        let decision = limiter.admit(key: principal.rateLimitKey, organization: principal.organizationID, now: .now())
        guard decision.allowed else { throw Self.refusal(decision) }
        do {
            var response = try await next(request, context)
            for (name, value) in Self.headers(for: decision) { response.headers[name] = value }
            return response
        } catch let error as CloseError {
            var headers = error.headers
            for (name, value) in Self.headers(for: decision) where headers[name.rawName] == nil { headers[name.rawName] = value }
            throw CloseError(
                status: error.status, message: error.message, fieldErrors: error.fieldErrors, headers: headers,
                rateLimit: error.rateLimit
            )
        }
    }

    /// The 429 for a refused request: Close's body, its headers and `Retry-After`.
    static func refusal(_ decision: RateLimiter.Decision) -> CloseError {
        var headers = Dictionary(uniqueKeysWithValues: Self.headers(for: decision).map { ($0.0.rawName, $0.1) })
        headers["Retry-After"] = String(decision.resetSeconds)
        return CloseError(
            status: 429,
            message: decision.type == "key"
                ? "API call count exceeded for this \(decision.windowSeconds) second window"
                : "API call count exceeded for this organization in this \(decision.windowSeconds) second window",
            headers: headers,
            rateLimit: RateLimitDetails(
                resetSeconds: decision.resetSeconds, limit: decision.limit, windowSeconds: decision.windowSeconds, type: decision.type
            )
        )
    }

    static func headers(for decision: RateLimiter.Decision) -> [(HTTPField.Name, String)] {
        let limit = String(decision.limit)
        let remaining = String(decision.remaining)
        let reset = String(decision.resetSeconds)
        return [
            (.rateLimit, "limit=\(limit), remaining=\(remaining), reset=\(reset)"),
            (.rateLimitPolicy, "\(limit);w=\(decision.windowSeconds)"),
            (.rateLimitLimit, limit), (.rateLimitRemaining, remaining), (.rateLimitReset, reset),
            (.xRateLimitLimit, limit), (.xRateLimitRemaining, remaining), (.xRateLimitReset, reset),
        ]
    }
}

extension HTTPField.Name {
    static let rateLimit = HTTPField.Name("RateLimit")!
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
    static let xRateLimitLimit = HTTPField.Name("X-Rate-Limit-Limit")!
    static let xRateLimitRemaining = HTTPField.Name("X-Rate-Limit-Remaining")!
    static let xRateLimitReset = HTTPField.Name("X-Rate-Limit-Reset")!
}
