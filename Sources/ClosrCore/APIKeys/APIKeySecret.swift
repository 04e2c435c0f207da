import Crypto
import Foundation

/// The secret half of an API key: `closr_` + base64url (no padding) of 32 random bytes.
///
/// Only ``hash(_:)`` of a secret is ever stored. A 256-bit random secret cannot be guessed or brute
/// forced from its hash, so a fast SHA-256 is enough and keeps verification cheap (DESIGN.md "API keys").
public enum APIKeySecret {
    public static let prefix = "closr_"
    /// 32 bytes in base64url without padding.
    static let encodedLength = 43
    /// Characters of the secret shown as its preview.
    public static let previewLength = 12

    /// A fresh secret from the system's cryptographic random source.
    public static func generate() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return prefix + base64URL(bytes)
    }

    /// Hex SHA-256 of the secret: what the database stores and looks keys up by.
    public static func hash(_ secret: String) -> String {
        SecretDigest(of: Array(secret.utf8)).hex
    }

    /// The first 12 characters, safe to show beside the key in lists.
    public static func preview(_ secret: String) -> String {
        String(secret.prefix(previewLength))
    }

    /// True when `text` has the shape of a Closr secret; anything else is refused without a lookup.
    public static func isWellFormed(_ text: String) -> Bool {
        isWellFormed(Array(text.utf8))
    }

    /// The same check on the secret's UTF-8 bytes, as they arrive in a request.
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        let prefixBytes = prefix.utf8
        guard bytes.count == prefixBytes.count + encodedLength, bytes.starts(with: prefixBytes) else { return false }
        return bytes.dropFirst(prefixBytes.count).allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 95
        }
    }

    /// Compares two equal-length hex digests without stopping at the first difference.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
