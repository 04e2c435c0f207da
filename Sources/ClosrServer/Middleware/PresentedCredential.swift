/// The API key a request presents, read from whichever header carries it.
///
/// Accepted, in this order: `Authorization: Basic base64(KEY:)` (Close's scheme; a non-empty password is
/// ignored), `Authorization: Bearer KEY`, and `x-api-key: KEY` or `Close-API-Key: KEY` (Close's MCP
/// header). Parsed over UTF-8 bytes: this runs on every request, and both Foundation's string bridging and
/// `Character`-level scanning showed in profiles.
enum PresentedCredential: Equatable {
    /// No credential header at all.
    case none
    /// A credential header that could not be read (bad base64, unknown scheme, empty key).
    case malformed
    /// The key's UTF-8 bytes, as sent; never turned into a `String` on the way to verification.
    case key([UInt8])

    init(authorization: String?, apiKeyHeader: String?) {
        if let authorization {
            self = Self.parse(authorization: Array(authorization.utf8)[...])
        } else if let apiKeyHeader {
            let key = Self.trimmed(Array(apiKeyHeader.utf8)[...])
            self = key.isEmpty ? .malformed : .key(Array(key))
        } else {
            self = .none
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let colon = UInt8(ascii: ":")

    private static func parse(authorization: ArraySlice<UInt8>) -> PresentedCredential {
        let header = trimmed(authorization)
        guard let split = header.firstIndex(of: space) else { return .malformed }
        let scheme = header[..<split]
        let value = trimmed(header[split...])
        if equalsIgnoringCase(scheme, "basic") {
            guard let decoded = Base64.decode(value), let colonIndex = decoded.firstIndex(of: colon) else {
                return .malformed
            }
            let username = decoded[..<colonIndex]
            // Close's clients put the key in the username; a few tools put it in the password instead.
            let key = username.isEmpty ? decoded[(colonIndex + 1)...] : username
            return key.isEmpty ? .malformed : .key(Array(key))
        }
        if equalsIgnoringCase(scheme, "bearer") {
            return value.isEmpty ? .malformed : .key(Array(value))
        }
        return .malformed
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while let first = bytes.first, first == space || first == 9 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == space || last == 9 { bytes = bytes.dropLast() }
        return bytes
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, expected in (byte >= 65 && byte <= 90 ? byte + 32 : byte) == expected }
        }
    }
}
