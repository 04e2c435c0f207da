import Foundation

/// Renders a ``CloseError`` as the JSON body Close clients expect (close-api.md §3 and §4).
///
/// - 400: `{"error": "...", "errors": [], "field-errors": {...}}` — satisfies closeio and tap-closeio.
/// - 429: `{"error": {"message", "rate_reset", "rate_limit", "rate_window", "rate_limit_type"},
///   "rate_reset": N}` — the nested form for Airbyte, the top-level key for tap-closeio.
/// - 500: `{"errors": ["Internal error"]}` — no `error` key, because Airbyte calls `.get("rate_reset")`
///   on `error` for 5xx responses and would crash on a string.
/// - everything else: `{"error": "..."}`.
public enum CloseErrorBody {
    public static func json(for error: CloseError) -> Data {
        let object: [String: Any]
        switch error.status {
        case 400:
            object = ["error": error.message, "errors": [String](), "field-errors": error.fieldErrors]
        case 429:
            let details = error.rateLimit ?? RateLimitDetails(resetSeconds: 1, limit: 0, windowSeconds: 1)
            object = [
                "error": [
                    "message": error.message,
                    "rate_reset": details.resetSeconds,
                    "rate_limit": details.limit,
                    "rate_window": details.windowSeconds,
                    "rate_limit_type": "key",
                ] as [String: Any],
                "rate_reset": details.resetSeconds,
            ]
        case 500...:
            object = ["errors": ["Internal error"]]
        default:
            object = ["error": error.message]
        }
        // Serialising dictionaries of strings and integers cannot fail; an empty object is a safe fallback.
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
