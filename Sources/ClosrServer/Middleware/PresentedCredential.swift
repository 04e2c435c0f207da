import Foundation

/// The API key a request presents, read from whichever header carries it.
///
/// Accepted, in this order: `Authorization: Basic base64(KEY:)` (Close's scheme; a non-empty password is
/// ignored), `Authorization: Bearer KEY`, and `x-api-key: KEY`.
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
            let key = apiKeyHeader.trimmingCharacters(in: .whitespaces)
            self = key.isEmpty ? .malformed : .key(key)
        } else {
            self = .none
        }
    }

    private static func parse(authorization: String) -> PresentedCredential {
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return .malformed }
        let scheme = trimmed[..<space].lowercased()
        let value = trimmed[space...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "basic":
            guard let decoded = Data(base64Encoded: value), let pair = String(data: decoded, encoding: .utf8),
                  let colon = pair.firstIndex(of: ":")
            else { return .malformed }
            let username = String(pair[..<colon])
            // Close's clients put the key in the username; a few tools put it in the password instead.
            let key = username.isEmpty ? String(pair[pair.index(after: colon)...]) : username
            return key.isEmpty ? .malformed : .key(key)
        case "bearer":
            return value.isEmpty ? .malformed : .key(value)
        default:
            return .malformed
        }
    }
}
