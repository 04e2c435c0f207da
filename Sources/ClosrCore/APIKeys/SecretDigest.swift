import Crypto

/// The SHA-256 of a secret as four machine words: a dictionary key that hashes and compares without
/// allocating, for the verified-key cache on every request. ``hex`` is the form stored in the database.
struct SecretDigest: Hashable, Sendable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(of secret: [UInt8]) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        SHA256.hash(data: secret).withUnsafeBytes { bytes in
            words = (
                bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            )
        }
        self.words = words
    }

    /// Lower-case hex of the 32 digest bytes, in order.
    var hex: String {
        var text = [UInt8]()
        text.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            // The words were loaded in the machine's byte order; write their bytes back in that order.
            var value = word
            withUnsafeBytes(of: &value) { bytes in
                for byte in bytes {
                    text.append(Self.hexDigits[Int(byte >> 4)])
                    text.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func == (lhs: SecretDigest, rhs: SecretDigest) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        // The digest is already uniformly random; one word is plenty for bucketing.
        hasher.combine(words.0)
    }
}
