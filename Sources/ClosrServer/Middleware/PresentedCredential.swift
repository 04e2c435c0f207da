/// The API key a request presents, read from whichever header carries it.
///
/// Accepted, in this order: `Authorization: Basic base64(KEY:)` (Close's scheme; a non-empty password is
/// ignored), `Authorization: Bearer KEY`, and `x-api-key: KEY`. Parsed with plain Swift string
/// operations: this runs on every request, and Foundation's `NSString` bridging showed in profiles.
enum PresentedCredential: Equatable {
    /// No credential header at all.
    case none
    /// A credential header that could not be read (bad base64, unknown scheme, empty key).
    case malformed
    case key(String)

    init(authorization: String?, apiKeyHeader: String?) {
        if let authorization {
            self = Self.parse(authorization: authorization)
        } else if let apiKeyHeader {
            let key = Self.trimmed(Substring(apiKeyHeader))
            self = key.isEmpty ? .malformed : .key(String(key))
        } else {
            self = .none
        }
    }

    private static func parse(authorization: String) -> PresentedCredential {
        let header = trimmed(Substring(authorization))
        guard let space = header.firstIndex(of: " ") else { return .malformed }
        let scheme = header[..<space]
        let value = trimmed(header[space...])
        if scheme.caseInsensitiveEquals("basic") {
            guard let decoded = Base64.decode(value.utf8),
                  let pair = String(validating: decoded, as: UTF8.self),
                  let colon = pair.firstIndex(of: ":")
            else { return .malformed }
            let username = pair[..<colon]
            // Close's clients put the key in the username; a few tools put it in the password instead.
            let key = username.isEmpty ? pair[pair.index(after: colon)...] : username
            return key.isEmpty ? .malformed : .key(String(key))
        }
        if scheme.caseInsensitiveEquals("bearer") {
            return value.isEmpty ? .malformed : .key(String(value))
        }
        return .malformed
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

extension Substring {
    fileprivate func caseInsensitiveEquals(_ lowercase: String) -> Bool {
        utf8.count == lowercase.utf8.count && zip(utf8, lowercase.utf8).allSatisfy { byte, expected in
            (byte >= 65 && byte <= 90 ? byte + 32 : byte) == expected
        }
    }
}
