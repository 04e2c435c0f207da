import ClosrModel
import SQLKit

/// The only queries that read across organizations, each because it runs before the organization is
/// known or on behalf of no organization. Everything else reaches tenant data through ``OrgScope``.
///
/// - key verification by secret hash (finding the organization is its job);
/// - leaked-key revocation (anyone may report a secret; the answer never says whether it matched);
/// - the expiry sweep (every organization's keys that expired since the last sweep);
/// - a user's own record and active memberships (`/me/` lists the organizations of its user);
/// - provisioning (is the database empty; whom `closr keys` acts for; a user by email);
/// - the webhook outbox (``WebhookOutbox``: due deliveries of every organization, sent on behalf of
///   none; each delivery joins its subscription and event on the same `organization_id`);
/// - event retention (``EventRetention``: events older than the retention of every organization).
///
/// Each takes the connection it runs on and returns plain values; what follows happens in a scope.
enum CrossTenant {
    /// The key with this secret hash and its owner's role, if the owner is still an active member.
    static func keyForVerification(hash: String, on db: any SQLDatabase) async throws -> (key: APIKeyRow, role: String)? {
        try await db.select()
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("api_keys")))
            .column(SQLColumn("role_id", table: "memberships"))
            .from("api_keys")
            .join(
                SQLIdentifier("memberships"), method: SQLJoinMethod.inner,
                on: SQLBinaryExpression(
                    SQLBinaryExpression(
                        SQLBinaryExpression(SQLColumn("organization_id", table: "memberships"), .equal, SQLColumn("organization_id", table: "api_keys")),
                        .and,
                        SQLBinaryExpression(SQLColumn("user_id", table: "memberships"), .equal, SQLColumn("user_id", table: "api_keys"))
                    ),
                    .and,
                    SQLBinaryExpression(SQLColumn("date_deactivated", table: "memberships"), .is, SQLLiteral.null)
                )
            )
            .where(SQLColumn("secret_hash", table: "api_keys"), .equal, SQLBind(hash))
            .first()
            .map { row in
                (try row.decode(model: APIKeyRow.self, with: APIKeyRow.decoder), try row.decode(column: "role_id", as: String.self))
            }
    }

    /// The organization of the unrevoked key with this secret hash.
    static func organizationOfActiveKey(hash: String, on db: any SQLDatabase) async throws -> String? {
        try await db.select().column("organization_id").from(TenantTable.apiKeys.rawValue)
            .where("secret_hash", .equal, hash).where("date_revoked", .is, SQLLiteral.null)
            .first(decodingColumn: "organization_id", as: String.self)
    }

    /// Keys whose expiry passed without an `expired` event yet, as (organization, key) pairs; at most 1,000.
    static func keysPastExpiry(at now: CloseTimestamp, on db: any SQLDatabase) async throws -> [(organizationID: String, keyID: String)] {
        try await db.select().columns("organization_id", "id").from(TenantTable.apiKeys.rawValue)
            .where("expires_at", .lessThanOrEqual, now.microseconds)
            .where("expiry_recorded_at", .is, SQLLiteral.null).where("date_revoked", .is, SQLLiteral.null)
            .limit(1000)
            .all()
            .map { (try $0.decode(column: "organization_id", as: String.self), try $0.decode(column: "id", as: String.self)) }
    }

    /// A user's own row.
    static func user(id: String, on db: any SQLDatabase) async throws -> UserRow? {
        try await db.select().column("*").from("users").where("id", .equal, id)
            .first(decoding: UserRow.self, with: rowDecoder)
    }

    /// The organizations a user is an active member of, oldest membership first.
    static func activeOrganizations(ofUser userID: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.select().column("organization_id").from("memberships")
            .where("user_id", .equal, userID).where("date_deactivated", .is, SQLLiteral.null)
            .orderBy("date_created")
            .all(decodingColumn: "organization_id", as: String.self)
    }

    /// Whether any organization exists (a first start creates one when none does).
    static func anyOrganizationExists(on db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("id").from("organizations").limit(1).first() != nil
    }

    /// The oldest active admin membership.
    static func firstAdmin(on db: any SQLDatabase) async throws -> (organizationID: String, userID: String)? {
        try await db.select().columns("organization_id", "user_id").from("memberships")
            .where("role_id", .equal, "admin").where("date_deactivated", .is, SQLLiteral.null)
            .orderBy("date_created").limit(1)
            .first()
            .map { (try $0.decode(column: "organization_id", as: String.self), try $0.decode(column: "user_id", as: String.self)) }
    }

    /// The id of the user with this email, compared without case (people type addresses as they like),
    /// the oldest if a database from before this rule holds two that differ only in case.
    static func userID(email: String, on db: any SQLDatabase) async throws -> String? {
        try await db.select().column("id").from("users")
            .where(SQLFunction("lower", args: SQLColumn("email")), .equal, SQLBind(email.lowercased()))
            .orderBy("date_created").orderBy("id").limit(1)
            .first(decodingColumn: "id", as: String.self)
    }
}
