import ClosrModel
import Dispatch
import Foundation
import Synchronization
import HummingbirdBcrypt
import SQLKit

/// Console passwords: set (by `closr users set-password`, the first start, or accepting an invitation)
/// and checked at sign-in, hashed with bcrypt; the password itself is never stored or logged.
public struct ConsolePasswords: Sendable {
    let store: any Store
    /// bcrypt's cost: 12 (about a quarter of a second here) in production; tests pass a lower one.
    let cost: UInt8

    public init(store: any Store, cost: UInt8 = 12) {
        self.store = store
        self.cost = cost
    }

    /// What a password must be: bcrypt reads only the first 72 bytes, so a longer one would be checked
    /// by its beginning alone — refused instead of silently cut.
    public static func problem(with password: String) -> String? {
        if password.count < 10 { return "Use at least 10 characters." }
        if password.utf8.count > 72 { return "Use at most 72 bytes (bcrypt reads no further)." }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "Control characters are not allowed." }
        return nil
    }

    /// Sets the password of the user with this email (compared without case). Throws 400 for a password
    /// that breaks ``problem(with:)`` and 404 for an unknown email.
    public func set(email: String, password: String) async throws {
        if let problem = Self.problem(with: password) { throw CloseError.validation(["password": problem]) }
        guard let userID = try await store.read({ db in try await CrossTenant.userID(email: email, on: db) }) else {
            throw CloseError.notFound("No user has the email \(email)")
        }
        try await set(userID: userID, password: password)
    }

    public func set(userID: String, password: String) async throws {
        let hash = try await hash(password)
        try await store.transaction { db in try await Self.store(hash: hash, userID: userID, on: db) }
    }

    /// The bcrypt hash of a password that passes ``problem(with:)``, made off the shared threads.
    func hash(_ password: String) async throws -> String {
        if let problem = Self.problem(with: password) { throw CloseError.validation(["password": problem]) }
        return try await Self.offLoop { [cost] in Bcrypt.hash(password, cost: cost) }
    }

    /// Stores a user's hash inside the caller's transaction. A new password ends the user's sessions:
    /// whoever knew the old one is signed out too.
    static func store(hash: String, userID: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "console_sessions").where("user_id", .equal, userID).run()
        try await db.delete(from: "user_passwords").where("user_id", .equal, userID).run()
        try await db.insert(into: "user_passwords").columns("user_id", "hash", "date_updated")
            .values(userID, hash, CloseTimestamp.now().microseconds).run()
    }

    /// The user whose email and password these are, or nil. Takes as long for an unknown email or a user
    /// without a password as for a wrong password, so the answer's timing does not say which emails exist.
    public func verify(email: String, password: String) async throws -> String? {
        guard password.utf8.count <= 200, email.utf8.count <= 320 else { return nil }
        let found = try await store.read { db -> (String, String)? in
            guard let userID = try await CrossTenant.userID(email: email, on: db) else { return nil }
            guard let hash = try await db.select().column("hash").from("user_passwords").where("user_id", .equal, userID)
                .first(decodingColumn: "hash", as: String.self) else { return nil }
            return (userID, hash)
        }
        let hash: String
        if let found { hash = found.1 } else { hash = try await Self.decoyHash(cost: cost) }
        let matches = try await Self.offLoop { Bcrypt.verify(password, hash: hash) }
        return matches ? found?.0 : nil
    }

    /// A new random password for the first start: 20 characters, about 120 bits.
    public static func generate() -> String {
        var bytes = [UInt8](repeating: 0, count: 15)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// A hash to check a password against when there is no user: same cost, so the same time (made once,
    /// off the shared threads).
    private static func decoyHash(cost: UInt8) async throws -> String {
        if let hash = decoys.withLock({ $0[cost] }) { return hash }
        let made = try await offLoop { Bcrypt.hash(generate(), cost: cost) }
        return decoys.withLock { cache in
            if let hash = cache[cost] { return hash }
            cache[cost] = made
            return made
        }
    }

    private static let decoys = Mutex<[UInt8: String]>([:])

    /// bcrypt takes a quarter of a second of CPU: run it on a dispatch thread, not on a thread the
    /// server's tasks share.
    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        // At most as many hashes at once as there are cores: a burst of sign-ins waits its turn instead of
        // taking every core from the API.
        try await hashing.withPermit {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: work()) }
            }
        }
    }

    private static let hashing = AsyncPermits(max(1, ProcessInfo.processInfo.activeProcessorCount))
}
