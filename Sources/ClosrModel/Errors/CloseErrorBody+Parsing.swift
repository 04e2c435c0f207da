extension CloseErrorBody {
    /// The ``CloseError`` an error answer carries, read back from its status, body and headers: the
    /// inverse of ``json(for:)``, for clients. Close's own bodies read the same way (`error` as a string
    /// or as the 429 object, `field-errors`, `errors`); a body that is not JSON keeps the status with the
    /// body's text (or the status) as the message. `Retry-After` fills in a 429's reset when the body
    /// has none.
    public static func error(status: Int, body: [UInt8], retryAfter: String? = nil) -> CloseError {
        let value = (try? JSONValue(parsing: body)) ?? .null
        var message = String(decoding: body.prefix(500), as: UTF8.self)
        if message.isEmpty { message = "HTTP \(status)" }
        var fieldErrors: [String: String] = [:]
        var rateLimit: RateLimitDetails?
        switch value["error"] {
        case .string(let text)?: message = text
        case .object(let details)?:
            let object = JSONValue.object(details)
            if case .string(let text)? = object["message"] { message = text }
            rateLimit = RateLimitDetails(
                resetSeconds: number(object["rate_reset"]) ?? number(value["rate_reset"]) ?? retryAfter.flatMap { Int($0) } ?? 1,
                limit: number(object["rate_limit"]) ?? 0, windowSeconds: number(object["rate_window"]) ?? 0,
                type: { if case .string(let type)? = object["rate_limit_type"] { return type }; return "key" }()
            )
        default:
            if case .array(let errors)? = value["errors"], case .string(let first)? = errors.first { message = first }
        }
        if case .object(let members)? = value["field-errors"] {
            for (field, text) in members {
                if case .string(let text) = text { fieldErrors[field] = text }
            }
        }
        if status == 429, rateLimit == nil {
            rateLimit = RateLimitDetails(resetSeconds: number(value["rate_reset"]) ?? retryAfter.flatMap { Int($0) } ?? 1, limit: 0, windowSeconds: 0)
        }
        return CloseError(status: status, message: message, fieldErrors: fieldErrors, rateLimit: rateLimit)
    }

    private static func number(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number)?: return number
        // A reset of 30 years is as good as none; a huge or non-finite one must not trap.
        case .double(let number)? where number.isFinite && abs(number) < 1e9: return Int(number.rounded(.up))
        default: return nil
        }
    }
}
