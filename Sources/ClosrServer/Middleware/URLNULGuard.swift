import ClosrModel
import Hummingbird

/// Refuses a URL that carries the NUL character (`%00`) in its path or query, before any route reads it.
///
/// PostgreSQL refuses U+0000 in text, so a filter or id holding it would fail there as a 500, while
/// SQLite would quietly compare a truncated value. Refusing it here answers both dialects alike (the
/// request body's strings are refused the same way by ``JSONRequestBody``).
struct URLNULGuard: RouterMiddleware {
    typealias Context = ClosrRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.string.utf8.contains(UInt8(ascii: "%")), Self.holdsNUL(request.uri.string) {
            throw CloseError.badRequest("The URL must not contain the NUL character (%00)")
        }
        return try await next(request, context)
    }

    /// Whether the percent-encoded text holds `%00`.
    static func holdsNUL(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), bytes[index + 1] == UInt8(ascii: "0"), bytes[index + 2] == UInt8(ascii: "0") {
                return true
            }
            index += 1
        }
        return false
    }
}
