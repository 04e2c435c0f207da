import Crypto
import Foundation

/// Seals secrets the server must be able to read back — a webhook's signing key, needed for every
/// delivery — with AES-GCM under the server's own key, so the database never holds them in plain text.
/// Every node of one database must use the same key (`--secret-key-file`).
public struct SecretSealer: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A key of its own, for tests and for a process that seals nothing another reads.
    public static func ephemeral() -> SecretSealer { SecretSealer(key: SymmetricKey(size: .bits256)) }

    /// The key in `path` (base64 of 32 bytes), created with mode 0600 when the file does not exist yet.
    /// Several processes starting at once agree on one key: the file is created exclusively, and the
    /// others read what the first wrote.
    public static func loading(keyFile path: String) throws -> SecretSealer {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor >= 0 {
            let bytes = Array((fresh + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else { throw SecretKeyFileError("cannot write the secret key file \(path)") }
        }
        for _ in 0..<50 {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SecretKeyFileError("cannot read the secret key file \(path)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let data = Data(base64Encoded: trimmed), data.count == 32 { return SecretSealer(key: SymmetricKey(data: data)) }
            if !trimmed.isEmpty { break }
            usleep(20_000)
        }
        throw SecretKeyFileError("the secret key file \(path) does not hold a key (base64 of 32 bytes)")
    }

    func sealed(_ secret: String) throws -> String {
        try AES.GCM.seal(Data(secret.utf8), using: key).combined!.base64EncodedString()
    }

    func unsealed(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw SecretKeyFileError("a sealed secret is not base64") }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}

public struct SecretKeyFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
