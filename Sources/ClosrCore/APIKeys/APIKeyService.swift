import ClosrModel
import Foundation
import SQLKit

/// The lifecycle of API keys within one organization: create, list, revoke, rotate, and the audit
/// events of each. Nothing here tells the caches: every write to `api_keys` moves the store's `keys`
/// version when it commits (``ChangeRecorder``), which retires every cached verification.
public struct APIKeyService: Sendable {
    /// Most active keys an organization may hold; revoked, expired and rotated-out keys do not count.
    public static let maxActiveKeysPerOrganization = 10
    /// Longest label, in characters, after trimming.
    public static let maxLabelLength = 100
    /// How long a rotated key keeps working unless the caller says otherwise.
    public static let defaultRotationGraceSeconds: Int64 = 24 * 3600

    let verifier: APIKeyVerifier
    let store: any Store

    public init(verifier: APIKeyVerifier, store: any Store) {
        self.verifier = verifier
        self.store = store
    }

    /// Creates a key for `userID` in the scope's organization and returns it with its secret — the only
    /// time the secret exists outside the caller's hands. At the limit the refusal is audited too.
    public func create(
        in scope: OrgScope, userID: String, label: String, scopes: [APIKeyScope] = [.full],
        expiresAt: CloseTimestamp? = nil, origin: RequestOrigin
    ) async throws -> CreatedAPIKey {
        let now = CloseTimestamp.now()
        let label = try Self.validated(label: label, scopes: scopes, expiresAt: expiresAt, now: now)
        let uniqueScopes = scopes.reduce(into: [APIKeyScope]()) { if !$0.contains($1) { $0.append($1) } }
        do {
            return try await scope.write { db in
                try await Self.lockKeys(of: db)
                return try await Self.insert(
                    into: db, userID: userID, label: label, scopes: uniqueScopes, expiresAt: expiresAt, now: now,
                    origin: origin
                )
            }
        } catch let error as CloseError where error.status == 409 {
            _ = try await scope.write { db in
                try await EventLog.record(
                    in: db, objectType: "api_key", objectID: "", action: "create_refused",
                    data: .object([
                        ("label", .string(label)), ("scopes", .array(uniqueScopes.map { .string($0.rawValue) })),
                        ("user_id", .string(userID)), ("reason", .string(error.message)),
                    ]),
                    origin: origin, at: now
                )
            }
            throw error
        }
    }

    /// Inserts a new key inside an open transaction, refusing it when the organization is at the limit,
    /// and records its `created` event. Shared by ``create(in:userID:label:scopes:expiresAt:origin:)``,
    /// rotation, and the first-start bootstrap. Callers that may race another node hold ``lockKeys(of:)``
    /// (create and rotate take it before their checks; the bootstrap's organization is new in its own
    /// transaction).
    static func insert(
        into db: TenantDatabase, userID: String, label: String, scopes: [APIKeyScope],
        expiresAt: CloseTimestamp?, now: CloseTimestamp, origin: RequestOrigin, rotatedFrom: String? = nil
    ) async throws -> CreatedAPIKey {
        var activeKeys = db.select(from: .apiKeys).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .where("date_revoked", .is, SQLLiteral.null)
            .where("replaced_by", .is, SQLLiteral.null)
            .where { $0.where("expires_at", .is, SQLLiteral.null).orWhere("expires_at", .greaterThan, now.microseconds) }
        // A rotated-out key stops counting as its successor is made, so rotating works even at the limit.
        if let rotatedFrom { activeKeys = activeKeys.where("id", .notEqual, rotatedFrom) }
        let active = try await activeKeys.first(decodingColumn: "n", as: Int.self) ?? 0
        guard active < maxActiveKeysPerOrganization else {
            throw CloseError.conflict(
                "This organization already has \(maxActiveKeysPerOrganization) active API keys, the most allowed. Revoke a key that is no longer used, then create this one."
            )
        }
        let secret = APIKeySecret.generate()
        let key = APIKey(
            id: ClosrID.make(.apiKey), label: label, preview: APIKeySecret.preview(secret), scopes: scopes,
            userID: userID, organizationID: db.organizationID, createdBy: origin.userID ?? userID, dateCreated: now,
            expiresAt: expiresAt, status: .active, dateRevoked: nil, lastUsed: nil, rotatedFrom: rotatedFrom
        )
        try await db.insert(into: .apiKeys, [
            ("id", key.id), ("user_id", userID), ("created_by", key.createdBy), ("label", label),
            ("secret_hash", APIKeySecret.hash(secret)), ("preview", key.preview),
            ("scopes", APIKeyRow.encodeScopes(scopes)), ("date_created", now.microseconds),
            ("expires_at", expiresAt?.microseconds), ("rotated_from", rotatedFrom),
        ]).run()
        try await EventLog.record(
            in: db, objectType: "api_key", objectID: key.id, action: "created", data: key.jsonValue, origin: origin, at: now
        )
        return CreatedAPIKey(key: key, secret: secret)
    }

    /// Keys of the organization, newest first; only `ownerID`'s own unless `ownerID` is nil (admins).
    public func list(in scope: OrgScope, ownerID: String?, skip: Int, limit: Int) async throws -> (keys: [APIKey], total: Int) {
        let (rows, total) = try await scope.read { db in
            var query = db.select(from: .apiKeys).column("*")
            var count = db.select(from: .apiKeys).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            if let ownerID {
                query = query.where("user_id", .equal, ownerID)
                count = count.where("user_id", .equal, ownerID)
            }
            let rows = try await query.orderBy("date_created", .descending).orderBy("id", .descending)
                .offset(skip).limit(limit)
                .all(decoding: APIKeyRow.self, with: APIKeyRow.decoder)
            return (rows, try await count.first(decodingColumn: "n", as: Int.self) ?? 0)
        }
        return (rows.map(withPendingUse), total)
    }

    /// One key of the organization (of `ownerID` unless nil), or 404.
    public func get(in scope: OrgScope, id: String, ownerID: String?) async throws -> APIKey {
        withPendingUse(try await scope.read { db in try await Self.row(in: db, id: id, ownerID: ownerID) })
    }

    /// Revokes a key for good. Its next request, in any process sharing the database, is refused.
    /// Revoking a revoked key changes nothing and succeeds.
    @discardableResult
    public func revoke(in scope: OrgScope, id: String, ownerID: String?, origin: RequestOrigin) async throws -> APIKey {
        let key = try await scope.write { db in
            try await Self.lockKeys(of: db)
            let row = try await Self.row(in: db, id: id, ownerID: ownerID)
            guard row.dateRevoked == nil else { return row.apiKey() }
            return try await Self.markRevoked(row, in: db, action: "revoked", origin: origin)
        }
        return withPendingUse(key)
    }

    /// Replaces a key with a new one of the same label and scopes. The old key keeps working for
    /// `graceSeconds` (default 24 hours; 0 ends it now), so deployments can switch without downtime.
    public func rotate(
        in scope: OrgScope, id: String, ownerID: String?, graceSeconds: Int64?, origin: RequestOrigin
    ) async throws -> CreatedAPIKey {
        let grace = graceSeconds ?? Self.defaultRotationGraceSeconds
        guard grace >= 0, grace <= 30 * 86_400 else {
            throw CloseError.validation(["grace_period_seconds": "Use 0 to \(30 * 86_400) seconds."])
        }
        let now = CloseTimestamp.now()
        let created = try await scope.write { db in
            try await Self.lockKeys(of: db)
            let row = try await Self.row(in: db, id: id, ownerID: ownerID)
            guard row.status(at: now) == .active, row.replacedBy == nil else {
                throw CloseError.conflict("Only an active key that has not been rotated already can be rotated.")
            }
            let graceEnd = now.microseconds + grace * 1_000_000
            let oldExpiry = min(row.expiresAt ?? .max, graceEnd)
            let successor = try await Self.insert(
                into: db, userID: row.userId, label: row.label, scopes: row.decodedScopes,
                expiresAt: row.expiresAt.map(CloseTimestamp.init(microseconds:)), now: now, origin: origin,
                rotatedFrom: row.id
            )
            try await db.update(.apiKeys).set("replaced_by", to: successor.key.id).set("expires_at", to: oldExpiry)
                .where("id", .equal, row.id).run()
            var rotated = row.apiKey(at: now)
            rotated.replacedBy = successor.key.id
            rotated.expiresAt = CloseTimestamp(microseconds: oldExpiry)
            try await EventLog.record(
                in: db, objectType: "api_key", objectID: row.id, action: "rotated",
                changedFields: ["replaced_by", "expires_at"], data: rotated.jsonValue,
                previousData: .object([("replaced_by", .null), ("expires_at", .timestamp(row.expiresAt.map(CloseTimestamp.init(microseconds:))))]),
                origin: origin, at: now
            )
            return successor
        }
        return created
    }

    /// Revokes whatever key has this secret, with no other authentication: for secret scanners and for
    /// anyone who finds a key in a public place. Says nothing about whether a key matched.
    public func revokeLeaked(secret: String, origin: RequestOrigin) async throws {
        let hash = APIKeySecret.hash(secret)
        // The organization is not known until the key is found, as when verifying a key.
        let organizationID = try await store.read { db in try await CrossTenant.organizationOfActiveKey(hash: hash, on: db) }
        guard let organizationID else { return }
        try await OrgScope(organizationID: organizationID, store: store).write { db in
            try await Self.lockKeys(of: db)
            guard let row = try await db.select(from: .apiKeys).column("*").where("secret_hash", .equal, hash)
                .where("date_revoked", .is, SQLLiteral.null)
                .first(decoding: APIKeyRow.self, with: APIKeyRow.decoder)
            else { return }
            _ = try await Self.markRevoked(row, in: db, action: "leak_revoked", origin: origin)
        }
    }

    /// Records an `expired` event for each key whose expiry has passed since the last sweep, in every
    /// organization. Run periodically by the server.
    @discardableResult
    public func recordExpiries(now: CloseTimestamp = .now()) async throws -> Int {
        let due = try await store.read { db in try await CrossTenant.keysPastExpiry(at: now, on: db) }
        for (organizationID, ids) in Dictionary(grouping: due, by: \.0) {
            try await OrgScope(organizationID: organizationID, store: store).write { db in
                try await Self.lockKeys(of: db)
                for (_, id) in ids {
                    guard let row = try await db.select(from: .apiKeys).column("*").where("id", .equal, id)
                        .where("expiry_recorded_at", .is, SQLLiteral.null)
                        .first(decoding: APIKeyRow.self, with: APIKeyRow.decoder)
                    else { continue }
                    try await db.update(.apiKeys).set("expiry_recorded_at", to: now.microseconds).where("id", .equal, id).run()
                    try await EventLog.record(
                        in: db, objectType: "api_key", objectID: id, action: "expired", changedFields: ["status"],
                        data: row.apiKey(at: now).jsonValue, previousData: .object([("status", .string("active"))]),
                        origin: RequestOrigin(userAgent: "closr-expiry-sweep"), at: now
                    )
                }
            }
        }
        return due.count
    }

    /// Takes the organization's row lock until the transaction ends, before any key rule is checked.
    ///
    /// Each key change reads, checks and then writes: the active-key count before a creation, a key's
    /// state before a rotation or revocation, the unrecorded expiries before a sweep. SQLite runs one
    /// write transaction at a time, but PostgreSQL's read-committed transactions on two nodes could both
    /// pass a check (an eleventh key, two successors of one key, an expiry recorded twice). The
    /// organization's row lock makes them take turns.
    static func lockKeys(of db: TenantDatabase) async throws {
        try await db.lockOrganization()
    }

    private static func markRevoked(_ row: APIKeyRow, in db: TenantDatabase, action: String, origin: RequestOrigin) async throws -> APIKey {
        let now = CloseTimestamp.now()
        try await db.update(.apiKeys).set("date_revoked", to: now.microseconds).where("id", .equal, row.id).run()
        var key = row.apiKey(at: now)
        key.status = .revoked
        key.dateRevoked = now
        try await EventLog.record(
            in: db, objectType: "api_key", objectID: row.id, action: action, changedFields: ["status", "date_revoked"],
            data: key.jsonValue, previousData: .object([("status", .string(row.status(at: now).rawValue)), ("date_revoked", .null)]),
            origin: origin, at: now
        )
        return key
    }

    private static func row(in db: TenantDatabase, id: String, ownerID: String?) async throws -> APIKeyRow {
        var query = db.select(from: .apiKeys).column("*").where("id", .equal, id)
        if let ownerID { query = query.where("user_id", .equal, ownerID) }
        guard let row = try await query.first(decoding: APIKeyRow.self, with: APIKeyRow.decoder) else {
            throw CloseError.notFound("API key not found")
        }
        return row
    }

    private static func validated(label: String, scopes: [APIKeyScope], expiresAt: CloseTimestamp?, now: CloseTimestamp) throws -> String {
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        var fieldErrors: [String: String] = [:]
        if label.isEmpty || label.count > maxLabelLength {
            fieldErrors["label"] = "A label of 1 to \(maxLabelLength) characters is required."
        }
        if scopes.isEmpty { fieldErrors["scopes"] = "At least one scope is required." }
        if let expiresAt, expiresAt <= now { fieldErrors["expires_at"] = "The expiry must be in the future." }
        guard fieldErrors.isEmpty else { throw CloseError.validation(fieldErrors) }
        return label
    }

    private func withPendingUse(_ row: APIKeyRow) -> APIKey {
        withPendingUse(row.apiKey())
    }

    private func withPendingUse(_ key: APIKey) -> APIKey {
        var key = key
        if let pending = verifier.lastUsed.pendingUse(keyID: key.id),
           pending.date > (key.lastUsed?.date ?? CloseTimestamp(microseconds: .min)) {
            key.lastUsed = pending
        }
        return key
    }
}
