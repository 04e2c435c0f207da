/// Renders a ``CloseError`` as the JSON body Close clients expect (close-api.md §3 and §4).
///
/// - 400: `{"error": "...", "errors": [], "field-errors": {...}}` — satisfies closeio and tap-closeio.
/// - 429: `{"error": {"message", "rate_reset", "rate_limit", "rate_window", "rate_limit_type"},
///   "rate_reset": N}` — the nested form for Airbyte, the top-level key for tap-closeio.
/// - 500: `{"errors": ["Internal error"]}` — no `error` key, because Airbyte calls `.get("rate_reset")`
///   on `error` for 5xx responses and would crash on a string.
/// - everything else: `{"error": "..."}`.
public enum CloseErrorBody {
    public static func json(for error: CloseError) -> [UInt8] {
        value(for: error).serialized()
    }

    static func value(for error: CloseError) -> JSONValue {
        switch error.status {
        case 400:
            let fieldErrors = error.fieldErrors.keys.sorted().map { ($0, JSONValue.string(error.fieldErrors[$0]!)) }
            return .object([("error", .string(error.message)), ("errors", .array([])), ("field-errors", .object(fieldErrors))])
        case 429:
            let details = error.rateLimit ?? RateLimitDetails(resetSeconds: 1, limit: 0, windowSeconds: 1)
            return .object([
                ("error", .object([
                    ("message", .string(error.message)),
                    ("rate_reset", .int(details.resetSeconds)),
                    ("rate_limit", .int(details.limit)),
                    ("rate_window", .int(details.windowSeconds)),
                    ("rate_limit_type", .string(details.type)),
                ])),
                ("rate_reset", .int(details.resetSeconds)),
            ])
        case 500...:
            return .object([("errors", .array([.string("Internal error")]))])
        default:
            return .object([("error", .string(error.message))])
        }
    }
}
