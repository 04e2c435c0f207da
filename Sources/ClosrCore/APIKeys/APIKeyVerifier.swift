import ClosrModel
import SQLKit

/// Turns a presented secret into a ``Principal``, or says why it cannot.
///
/// Its look-up runs before the organization is known — finding the organization is its job — so it is
/// one of the ``CrossTenant`` queries.
public final class APIKeyVerifier: Sendable {
    private let store: any Store
    private let caches: CoreCaches
    private var cache: VerifiedKeyCache { caches.verifiedKeys }
    let lastUsed: LastUsedRecorder

    public init(store: any Store, caches: CoreCaches) {
        self.store = store
        self.caches = caches
        self.lastUsed = LastUsedRecorder(store: store)
    }

    /// The principal for `secret`, recording this use as the key's newest.
    /// - Throws: ``CloseError`` 401 for a malformed, unknown, revoked or expired key.
    public func verify(secret: String, ip: String?, userAgent: String?) async throws -> Principal {
        try await verify(secret: Array(secret.utf8), ip: ip, userAgent: userAgent)
    }

    /// The same, from the secret's UTF-8 bytes as read from the request, without building a `String`.
    public func verify(secret: [UInt8], ip: String?, userAgent: String?) async throws -> Principal {
        guard APIKeySecret.isWellFormed(secret) else { throw CloseError.unauthorized("Invalid API key") }
        let digest = SecretDigest(of: secret)
        let now = CloseTimestamp.now()
        // Read before any look-up: a change committed after this read moves the versions, so an entry
        // stored with this value can never outlive a revocation.
        let versions = try await store.versions()
        let signal = versions[.keys]
        let entry: VerifiedKeyCache.Entry
        if let cached = cache.entry(for: digest, signal: signal) {
            entry = cached
        } else {
            entry = try await lookUp(hash: digest.hex, now: now, signal: signal)
            cache.store(entry, for: digest)
        }
        if let expiresAt = entry.expiresAt, expiresAt <= now {
            throw CloseError.unauthorized("API key expired")
        }
        lastUsed.record(
            digest, keyID: entry.principal.apiKeyID ?? "", organizationID: entry.principal.organizationID,
            at: now, ip: ip, userAgent: userAgent
        )
        return entry.principal.forRequest(versions: versions)
    }

    /// Writes out pending last-used data (every second, and at shutdown).
    public func flushLastUsed() async throws {
        try await lastUsed.flush()
    }

    private func lookUp(hash: String, now: CloseTimestamp, signal: UInt64) async throws -> VerifiedKeyCache.Entry {
        let found = try await store.read { db in try await CrossTenant.keyForVerification(hash: hash, on: db) }
        guard let (row, role) = found, APIKeySecret.constantTimeEquals(row.secretHash, hash) else {
            throw CloseError.unauthorized("Invalid API key")
        }
        switch row.status(at: now) {
        case .revoked: throw CloseError.unauthorized("API key revoked")
        case .expired: throw CloseError.unauthorized("API key expired")
        case .active: break
        }
        let principal = Principal(
            userID: row.userId, organizationID: row.organizationId, apiKeyID: row.id,
            scopes: Set(row.decodedScopes), role: role, store: store, caches: caches
        )
        return VerifiedKeyCache.Entry(
            principal: principal, expiresAt: row.expiresAt.map(CloseTimestamp.init(microseconds:)), signal: signal
        )
    }
}
