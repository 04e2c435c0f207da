import ClosrModel
import Foundation
import Hummingbird

/// Reads a request body as JSON the way Close does: only `application/json` (415 otherwise), at most
/// the configured size (413), and well-formed (400 that says what is wrong).
///
/// Every body is checked by one parser, ``JSONValue/init(parsingRequestBody:)``, whatever it is then
/// read into: a trailing comma, a byte-order mark, UTF-16 or a NUL character in a string is refused the
/// same way on every endpoint.
enum JSONRequestBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, maxBytes: Int) async throws -> T {
        let (_, bytes) = try await parse(request, maxBytes: maxBytes)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes.isEmpty ? Array("{}".utf8) : bytes))
        } catch let DecodingError.typeMismatch(expected, context) {
            throw fieldError(context, "Expected \(describe(expected)).")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw fieldError(context, "Expected \(describe(expected)), not null.")
        } catch let DecodingError.dataCorrupted(context) {
            throw fieldError(context, context.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw CloseError.validation([key.stringValue: "This field is required."])
        }
    }

    /// The body as a JSON tree, with the same 413/415/400 rules; an empty body is `{}`.
    static func value(from request: Request, maxBytes: Int) async throws -> JSONValue {
        try await parse(request, maxBytes: maxBytes).value
    }

    /// The body's tree and its bytes, after the size (413), media type (415) and JSON (400) checks.
    private static func parse(_ request: Request, maxBytes: Int) async throws -> (value: JSONValue, bytes: [UInt8]) {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        let bytes = Array(buffer.readableBytesView)
        let contentType = request.headers[.contentType]
        if !bytes.isEmpty, let contentType, !isJSON(contentType) {
            throw CloseError.unsupportedMediaType(contentType)
        }
        guard !bytes.isEmpty else { return (.object([]), bytes) }
        do {
            return (try JSONValue(parsingRequestBody: bytes), bytes)
        } catch is JSONValue.NULCharacterInString {
            throw CloseError.badRequest("Strings in the request body must not contain the NUL character (\\u0000)")
        } catch {
            throw CloseError.badRequest("Invalid JSON in the request body")
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private static func fieldError(_ context: DecodingError.Context, _ message: String) -> CloseError {
        guard let field = context.codingPath.first?.stringValue else {
            return CloseError.badRequest("The request body must be a JSON object")
        }
        return CloseError.validation([field: message])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "a JSON object"
        }
    }
}
