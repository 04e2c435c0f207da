import ClosrModel
import SQLKit

/// Creating organizations and their members outside the API: the first start of `closr serve` (an
/// empty database gets an organization, its admin and a "bootstrap" key, so the server is usable with
/// no set-up step), and the command line.
public struct AccountProvisioning: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Creates the organization, admin and key when the database holds no organization, all in one
    /// transaction; returns the key (with its secret, to print once), or nil when an organization exists.
    public func runIfEmpty(organizationName: String, adminEmail: String) async throws -> CreatedAPIKey? {
        return try await store.transaction { db in
            // Two nodes starting together on an empty database: the second waits here, then finds one.
            try await db.execute(sql: StoreLock.provisioning, { _ in })
            guard try await !CrossTenant.anyOrganizationExists(on: db) else { return nil as CreatedAPIKey? }
            return try await Self.createOrganization(in: db, name: organizationName, adminEmail: adminEmail)
        }
    }

    /// Creates another organization with its admin (a new user, or the existing one with that email)
    /// and a "bootstrap" key for them.
    public func createOrganization(name: String, adminEmail: String) async throws -> CreatedAPIKey {
        try await store.transaction { db in
            try await Self.createOrganization(in: db, name: name, adminEmail: adminEmail)
        }
    }

    /// Adds a member with the given role (`admin` or `user`) to an organization, creating the user if no
    /// user has that email; returns the user's id.
    public func addMember(organizationID: String, email: String, role: String) async throws -> String {
        return try await store.transaction { db in
            let now = CloseTimestamp.now().microseconds
            let userID = try await Self.user(in: db, email: email, now: now)
            try await TenantDatabase(organizationID: organizationID, sql: db).insert(into: .memberships, [
                ("id", ClosrID.make(.membership)), ("user_id", userID), ("role_id", role),
                ("date_created", now), ("date_updated", now),
            ]).run()
            return userID
        }
    }

    /// The oldest active admin membership: whom `closr keys` acts for.
    public func firstAdmin() async throws -> (organizationID: String, userID: String)? {
        try await store.read { db in try await CrossTenant.firstAdmin(on: db) }
    }

    private static func createOrganization(in db: any SQLDatabase, name: String, adminEmail: String) async throws -> CreatedAPIKey {
        let now = CloseTimestamp.now().microseconds
        let organizationID = ClosrID.make(.organization)
        try await db.insert(into: "organizations")
            .columns("id", "name", "currency", "date_created", "date_updated")
            .values(organizationID, name, "USD", now, now)
            .run()
        let userID = try await user(in: db, email: adminEmail, now: now)
        let tenant = TenantDatabase(organizationID: organizationID, sql: db)
        try await DefaultStatuses.create(in: tenant, now: CloseTimestamp(microseconds: now))
        try await tenant.insert(into: .memberships, [
            ("id", ClosrID.make(.membership)), ("user_id", userID), ("role_id", "admin"),
            ("date_created", now), ("date_updated", now),
        ]).run()
        return try await APIKeyService.insert(
            into: tenant, userID: userID, label: "bootstrap", scopes: [.full], expiresAt: nil,
            now: CloseTimestamp(microseconds: now), origin: .commandLine(userID: userID)
        )
    }

    /// The user with this email, created (named after the email's local part) if there is none.
    static func user(in db: any SQLDatabase, email: String, now: Int64) async throws -> String {
        if let existing = try await CrossTenant.userID(email: email, on: db) {
            return existing
        }
        let userID = ClosrID.make(.user)
        let localPart = email.split(separator: "@").first.map(String.init) ?? email
        try await db.insert(into: "users")
            .columns("id", "email", "first_name", "last_name", "date_created", "date_updated")
            .values(userID, email, localPart.prefix(1).uppercased() + localPart.dropFirst(), "", now, now)
            .run()
        return userID
    }
}
