import ClosrModel
import Foundation
import SQLKit

/// Creating, listing and revoking API keys within one organization.
public struct APIKeyService: Sendable {
    /// Most active keys an organization may hold; revoked and expired keys do not count.
    public static let maxActiveKeysPerOrganization = 10
    /// Longest label, in characters, after trimming.
    public static let maxLabelLength = 100

    let verifier: APIKeyVerifier

    public init(verifier: APIKeyVerifier) {
        self.verifier = verifier
    }

    /// Creates a key for `userID` in the scope's organization and returns it with its secret — the only
    /// time the secret exists outside the caller's hands.
    public func create(
        in scope: OrgScope,
        userID: String,
        createdBy: String,
        label: String,
        scopes: [APIKeyScope] = [.full],
        expiresAt: CloseTimestamp? = nil
    ) async throws -> CreatedAPIKey {
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        var fieldErrors: [String: String] = [:]
        if label.isEmpty || label.count > Self.maxLabelLength {
            fieldErrors["label"] = "A label of 1 to \(Self.maxLabelLength) characters is required."
        }
        if scopes.isEmpty { fieldErrors["scopes"] = "At least one scope is required." }
        let now = CloseTimestamp.now()
        if let expiresAt, expiresAt <= now { fieldErrors["expires_at"] = "The expiry must be in the future." }
        guard fieldErrors.isEmpty else { throw CloseError.validation(fieldErrors) }

        let uniqueScopes = scopes.reduce(into: [APIKeyScope]()) { if !$0.contains($1) { $0.append($1) } }
        return try await scope.write { db in
            try await Self.insert(
                into: db, userID: userID, createdBy: createdBy, label: label, scopes: uniqueScopes,
                expiresAt: expiresAt, now: now
            )
        }
    }

    /// Inserts a new key inside an open transaction, refusing it when the organization is at the limit.
    /// Shared by ``create(in:userID:createdBy:label:scopes:expiresAt:)`` and the first-start bootstrap.
    static func insert(
        into db: TenantDatabase, userID: String, createdBy: String, label: String, scopes: [APIKeyScope],
        expiresAt: CloseTimestamp?, now: CloseTimestamp
    ) async throws -> CreatedAPIKey {
        let active = try await db.select(from: .apiKeys).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .where("date_revoked", .is, SQLLiteral.null)
            .where { $0.where("expires_at", .is, SQLLiteral.null).orWhere("expires_at", .greaterThan, now.microseconds) }
            .first(decodingColumn: "n", as: Int.self) ?? 0
        guard active < maxActiveKeysPerOrganization else {
            throw CloseError.conflict(
                "This organization already has \(maxActiveKeysPerOrganization) active API keys, the most allowed. Revoke a key that is no longer used, then create this one."
            )
        }
        let secret = APIKeySecret.generate()
        let key = APIKey(
            id: ClosrID.make(.apiKey), label: label, preview: APIKeySecret.preview(secret), scopes: scopes,
            userID: userID, organizationID: db.organizationID, createdBy: createdBy, dateCreated: now,
            expiresAt: expiresAt, status: .active, dateRevoked: nil, lastUsed: nil
        )
        try await db.insert(into: .apiKeys, [
            ("id", key.id), ("user_id", userID), ("created_by", createdBy), ("label", label),
            ("secret_hash", APIKeySecret.hash(secret)), ("preview", key.preview),
            ("scopes", APIKeyRow.encodeScopes(scopes)), ("date_created", now.microseconds),
            ("expires_at", expiresAt?.microseconds),
        ]).run()
        return CreatedAPIKey(key: key, secret: secret)
    }

    /// Keys of the organization, newest first; only `userID`'s own unless `userID` is nil (admins).
    public func list(in scope: OrgScope, userID: String?) async throws -> [APIKey] {
        let rows = try await scope.read { db in
            var query = db.select(from: .apiKeys).column("*").orderBy("date_created", .descending)
            if let userID { query = query.where("user_id", .equal, userID) }
            return try await query.all(decoding: APIKeyRow.self, with: APIKeyRow.decoder)
        }
        return rows.map(withPendingUse)
    }

    /// One key of the organization, or 404.
    public func get(in scope: OrgScope, id: String, userID: String?) async throws -> APIKey {
        try await withPendingUse(row(in: scope, id: id, userID: userID))
    }

    /// Revokes a key for good; its next request, on this node, is refused.
    @discardableResult
    public func revoke(in scope: OrgScope, id: String, userID: String?) async throws -> APIKey {
        let now = CloseTimestamp.now()
        _ = try await row(in: scope, id: id, userID: userID)
        try await scope.write { db in
            try await db.update(.apiKeys).set("date_revoked", to: now.microseconds)
                .where("id", .equal, id).where("date_revoked", .is, SQLLiteral.null)
                .run()
        }
        verifier.forget(keyID: id)
        return try await get(in: scope, id: id, userID: userID)
    }

    private func row(in scope: OrgScope, id: String, userID: String?) async throws -> APIKeyRow {
        let row = try await scope.read { db in
            var query = db.select(from: .apiKeys).column("*").where("id", .equal, id)
            if let userID { query = query.where("user_id", .equal, userID) }
            return try await query.first(decoding: APIKeyRow.self, with: APIKeyRow.decoder)
        }
        guard let row else { throw CloseError.notFound("API key not found") }
        return row
    }

    private func withPendingUse(_ row: APIKeyRow) -> APIKey {
        var key = row.apiKey()
        if let pending = verifier.lastUsed.pendingUse(keyID: row.id), pending.date > (key.lastUsed?.date ?? CloseTimestamp(microseconds: .min)) {
            key.lastUsed = pending
        }
        return key
    }
}
