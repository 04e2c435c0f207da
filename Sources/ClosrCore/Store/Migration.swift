import SQLKit

/// One numbered step of the schema. Steps only ever move forward; a released step is never edited,
/// a change is a new step.
struct Migration: Sendable {
    let version: Int
    let name: String
    let apply: @Sendable (any SQLDatabase) async throws -> Void
}

/// Every migration Closr knows, in order. The list is the schema's history.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "organizations, users, memberships", apply: createTenancyTables),
        Migration(version: 2, name: "api keys", apply: createAPIKeyTable),
        Migration(version: 3, name: "event log; api key rotation and expiry audit", apply: createEventsAndKeyLifecycle),
        Migration(version: 4, name: "statuses, pipelines, leads, contacts, opportunities", apply: CRMSchema.create),
        Migration(version: 5, name: "custom fields", apply: CRMSchema.createCustomFields),
        Migration(version: 6, name: "list indexes ending in id", apply: CRMSchema.createListIndexes),
        Migration(version: 7, name: "opportunity date_lost", apply: CRMSchema.addDateLost),
        Migration(version: 8, name: "lead search index", apply: LeadSearchIndex.create),
        Migration(version: 9, name: "activities, tasks, webhooks and their outbox", apply: TimelineSchema.create),
        Migration(version: 10, name: "inbound settings, contact emails, page views", apply: InboundSchema.create),
        Migration(version: 11, name: "console passwords and sessions", apply: ConsoleSchema.create),
        Migration(version: 12, name: "team invitations", apply: ConsoleSchema.createInvitations),
        Migration(version: 13, name: "users by email without case", apply: ConsoleSchema.indexEmailsWithoutCase),
    ]

    private static func createTenancyTables(_ db: any SQLDatabase) async throws {
        try await db.create(table: "organizations")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("currency", type: .text, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(table: "users")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("email", type: .text, .notNull, .unique)
            .column("first_name", type: .text, .notNull)
            .column("last_name", type: .text, .notNull)
            .column("image", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(table: "memberships")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("role_id", type: .text, .notNull)
            .column("date_deactivated", type: .bigint)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .unique("organization_id", "user_id")
            .run()
        try await db.create(index: "memberships_user").on("memberships").column("user_id").run()
    }

    private static func createAPIKeyTable(_ db: any SQLDatabase) async throws {
        try await db.create(table: "api_keys")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("created_by", type: .text, .notNull)
            .column("label", type: .text, .notNull)
            // Hex SHA-256 of the secret; the secret itself is never stored (DESIGN.md "API keys").
            .column("secret_hash", type: .text, .notNull, .unique)
            .column("preview", type: .text, .notNull)
            .column("scopes", type: .text, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("expires_at", type: .bigint)
            .column("date_revoked", type: .bigint)
            .column("last_used_at", type: .bigint)
            .column("last_used_ip", type: .text)
            .column("last_used_user_agent", type: .text)
            .run()
        try await db.create(index: "api_keys_organization").on("api_keys").column("organization_id").run()
    }

    private static func createEventsAndKeyLifecycle(_ db: any SQLDatabase) async throws {
        try await db.create(table: "events")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("object_type", type: .text, .notNull)
            .column("object_id", type: .text, .notNull)
            .column("lead_id", type: .text)
            .column("action", type: .text, .notNull)
            // JSON text: a list of names, the object after the change, the changed values before it.
            .column("changed_fields", type: DialectSQL.jsonType, .notNull)
            .column("data", type: DialectSQL.jsonType)
            .column("previous_data", type: DialectSQL.jsonType)
            .column("user_id", type: .text)
            .column("request_id", type: .text)
            .column("api_key_id", type: .text)
            .column("meta", type: DialectSQL.jsonType, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "events_organization_date").on("events")
            .column("organization_id").column("date_updated").run()
        try await db.create(index: "events_organization_object").on("events")
            .column("organization_id").column("object_id").run()
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["rotated_from", "replaced_by"] {
            try await db.alter(table: "api_keys").column(column, type: .text).run()
        }
        try await db.alter(table: "api_keys").column("expiry_recorded_at", type: .bigint).run()
    }
}
