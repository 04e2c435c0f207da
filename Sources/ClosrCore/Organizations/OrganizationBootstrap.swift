import ClosrModel
import SQLKit

/// First start: an empty database gets one organization, its admin user and a "bootstrap" API key, so
/// that `closr serve` is usable with no set-up step.
public struct OrganizationBootstrap: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Creates the organization, admin and key when the database holds no organization, all in one
    /// transaction; returns the key (with its secret, to print once), or nil when an organization exists.
    public func runIfEmpty(organizationName: String, adminEmail: String) async throws -> CreatedAPIKey? {
        try await store.transaction { db in
            let existing = try await db.select().column("id").from("organizations").limit(1).first()
            guard existing == nil else { return nil }
            let now = CloseTimestamp.now().microseconds
            let organizationID = ClosrID.make(.organization)
            let userID = ClosrID.make(.user)
            try await db.insert(into: "organizations")
                .columns("id", "name", "currency", "date_created", "date_updated")
                .values(organizationID, organizationName, "USD", now, now)
                .run()
            let localPart = adminEmail.split(separator: "@").first.map(String.init) ?? adminEmail
            try await db.insert(into: "users")
                .columns("id", "email", "first_name", "last_name", "date_created", "date_updated")
                .values(userID, adminEmail, localPart.prefix(1).uppercased() + localPart.dropFirst(), "", now, now)
                .run()
            let tenant = TenantDatabase(organizationID: organizationID, sql: db)
            try await tenant.insert(into: .memberships, [
                ("id", ClosrID.make(.membership)), ("user_id", userID), ("role_id", "admin"),
                ("date_created", now), ("date_updated", now),
            ]).run()
            return try await APIKeyService.insert(
                into: tenant, userID: userID, createdBy: userID, label: "bootstrap", scopes: [.full],
                expiresAt: nil, now: CloseTimestamp(microseconds: now)
            )
        }
    }

    /// The oldest active admin membership: whom `closr keys create` issues keys for.
    public func firstAdmin() async throws -> (organizationID: String, userID: String)? {
        try await store.read { db in
            try await db.select().columns("organization_id", "user_id").from("memberships")
                .where("role_id", .equal, "admin").where("date_deactivated", .is, SQLLiteral.null)
                .orderBy("date_created").limit(1)
                .first()
                .map { (try $0.decode(column: "organization_id", as: String.self), try $0.decode(column: "user_id", as: String.self)) }
        }
    }
}
