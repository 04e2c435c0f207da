import SQLKit

/// Migrations 11 to 13: signing in to the web console, and the team's invitation links.
///
/// Migration 11:
/// - `user_passwords`: a user's bcrypt hash (the password itself is never stored), one row per user who
///   has one; users made by the API or an invitation not yet accepted have none and cannot sign in.
/// - `console_sessions`: one row per signed-in browser, keyed by the SHA-256 of its cookie's token (the
///   token itself is never stored), so that any node serves any session and signing out, or losing the
///   membership, ends it everywhere at once.
enum ConsoleSchema {
    static func create(_ db: any SQLDatabase) async throws {
        try await db.create(table: "user_passwords")
            .column("user_id", type: .text, .primaryKey(autoIncrement: false), .references("users", "id", onDelete: .cascade))
            .column("hash", type: .text, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(table: "console_sessions")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("date_created", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("ip", type: .text)
            .column("user_agent", type: .text)
            .run()
        try await db.create(index: "console_sessions_user").on("console_sessions").column("user_id").run()
    }

    /// Migration 12: `invitations`, one-time links for a new teammate to choose a password, keyed by the
    /// SHA-256 of the link's token, valid 7 days, used once.
    static func createInvitations(_ db: any SQLDatabase) async throws {
        try await db.create(table: "invitations")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("created_by", type: .text, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("date_used", type: .bigint)
            .run()
    }

    /// Migration 13: users are looked up by `lower(email)` (sign-in, invitations, `closr users`); an index
    /// on that expression keeps each lookup from reading every user. Not unique: a database from before
    /// could hold two addresses that differ only in case (lookups take the oldest).
    static func indexEmailsWithoutCase(_ db: any SQLDatabase) async throws {
        try await db.execute(sql: SQLRaw("CREATE INDEX users_email_lower ON users (lower(email))"), { _ in })
    }
}
