/// The one error type every Closr service throws and every HTTP failure is rendered from.
///
/// Close clients read specific keys from error bodies (closeio reads `errors` and `field-errors` on 400,
/// tap-closeio reads `error` on 400 and `rate_reset` on 429, Airbyte reads `error.rate_reset`), so the
/// status and the body shape travel together in this value and are rendered by ``CloseErrorBody`` only.
public struct CloseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500).
    public let status: Int
    /// Human-readable message, sent as `error` (a string) for every status but 429 and 500.
    public let message: String
    /// Field name → message, sent as `field-errors` on 400 validation failures.
    public let fieldErrors: [String: String]
    /// Extra headers the response must carry (for example `Allow` on 405, rate-limit headers on 429).
    public let headers: [String: String]
    /// Rate-limit details for 429 bodies; nil for every other status.
    public let rateLimit: RateLimitDetails?

    public init(
        status: Int,
        message: String,
        fieldErrors: [String: String] = [:],
        headers: [String: String] = [:],
        rateLimit: RateLimitDetails? = nil
    ) {
        self.status = status
        self.message = message
        self.fieldErrors = fieldErrors
        self.headers = headers
        self.rateLimit = rateLimit
    }

    public var description: String { "CloseError(\(status)): \(message)" }
}

/// What a 429 body says about the window that was exceeded (close-api.md §4).
public struct RateLimitDetails: Sendable, Equatable {
    /// Seconds until the window resets; clients sleep this long.
    public let resetSeconds: Int
    /// Requests allowed per window.
    public let limit: Int
    /// Window length in seconds.
    public let windowSeconds: Int
    /// Whose limit was exceeded: `key` or `organization` (sent as `rate_limit_type`).
    public let type: String

    public init(resetSeconds: Int, limit: Int, windowSeconds: Int, type: String = "key") {
        self.resetSeconds = resetSeconds
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.type = type
    }
}

extension CloseError {
    /// 400 for a request whose problem is not tied to one field (bad JSON, bad query parameter).
    public static func badRequest(_ message: String) -> CloseError {
        CloseError(status: 400, message: message)
    }

    /// 400 with `field-errors`; the message names every field so clients reading only `error` see them too.
    public static func validation(_ fieldErrors: [String: String]) -> CloseError {
        let summary = fieldErrors.keys.sorted().map { "\($0): \(fieldErrors[$0]!)" }.joined(separator: "; ")
        return CloseError(status: 400, message: "Validation failed: \(summary)", fieldErrors: fieldErrors)
    }

    /// 401: the credential is missing, malformed, unknown, revoked or expired.
    public static func unauthorized(_ message: String = "Unauthorized") -> CloseError {
        CloseError(status: 401, message: message)
    }

    /// 403: authenticated, but this key or user may not do this.
    public static func forbidden(_ message: String) -> CloseError {
        CloseError(status: 403, message: message)
    }

    /// 404 for unknown paths and for objects that do not exist in the caller's organization.
    public static func notFound(_ message: String = "Not found") -> CloseError {
        CloseError(status: 404, message: message)
    }

    /// 405 with the `Allow` header listing the methods the path does accept.
    public static func methodNotAllowed(allowed: [String]) -> CloseError {
        CloseError(
            status: 405,
            message: "Method not allowed. Allowed: \(allowed.joined(separator: ", "))",
            headers: ["Allow": allowed.joined(separator: ", ")]
        )
    }

    /// 409: the request conflicts with the current state (for example a limit already reached).
    public static func conflict(_ message: String) -> CloseError {
        CloseError(status: 409, message: message)
    }

    /// 413: the body is larger than the server accepts.
    public static func payloadTooLarge(limitBytes: Int) -> CloseError {
        CloseError(status: 413, message: "Request body too large: the limit is \(limitBytes) bytes")
    }

    /// 415: the body is not JSON.
    public static func unsupportedMediaType(_ contentType: String?) -> CloseError {
        let got = contentType.map { "'\($0)'" } ?? "none"
        return CloseError(
            status: 415,
            message: "Unsupported media type \(got): send the body as application/json"
        )
    }

    /// 500: something failed inside Closr. The message is logged, never sent (the body says only
    /// "Internal error" so that no internal detail leaks).
    public static func internalError(_ message: String) -> CloseError {
        CloseError(status: 500, message: message)
    }
}
