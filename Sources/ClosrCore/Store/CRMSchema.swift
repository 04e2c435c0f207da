import ClosrModel
import SQLKit

/// The CRM tables (migration 4). Lists inside an object (addresses, emails, phones, urls) and custom
/// field values are JSON text beside the typed columns (DESIGN.md "Storage").
enum CRMSchema {
    static func create(_ db: any SQLDatabase) async throws {
        try await db.create(table: "pipelines")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("name", type: .text, .notNull)
            .column("position", type: .bigint, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(table: "statuses")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            // `lead` or `opportunity`.
            .column("kind", type: .text, .notNull)
            .column("label", type: .text, .notNull)
            // `active`, `won` or `lost` for opportunity statuses.
            .column("type", type: .text)
            .column("pipeline_id", type: .text)
            .column("position", type: .bigint, .notNull)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "statuses_organization_kind").on("statuses").column("organization_id").column("kind").run()
        try await db.create(table: "leads")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("name", type: .text, .notNull)
            .column("description", type: .text, .notNull)
            .column("url", type: .text)
            .column("status_id", type: .text, .notNull)
            .column("addresses", type: DialectSQL.jsonType, .notNull)
            .column("custom", type: DialectSQL.jsonType, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "leads_organization_created").on("leads").column("organization_id").column("date_created").run()
        try await db.create(index: "leads_organization_updated").on("leads").column("organization_id").column("date_updated").run()
        try await db.create(index: "leads_organization_name").on("leads").column("organization_id").column("name").run()
        try await db.create(table: "contacts")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("lead_id", type: .text, .notNull, .references("leads", "id", onDelete: .cascade))
            .column("name", type: .text, .notNull)
            .column("title", type: .text, .notNull)
            .column("emails", type: DialectSQL.jsonType, .notNull)
            .column("phones", type: DialectSQL.jsonType, .notNull)
            .column("urls", type: DialectSQL.jsonType, .notNull)
            .column("custom", type: DialectSQL.jsonType, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "contacts_organization_lead").on("contacts").column("organization_id").column("lead_id").run()
        try await db.create(table: "opportunities")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("lead_id", type: .text, .notNull, .references("leads", "id", onDelete: .cascade))
            .column("status_id", type: .text, .notNull)
            .column("value", type: .bigint)
            .column("value_period", type: .text, .notNull)
            .column("value_currency", type: .text, .notNull)
            .column("confidence", type: .bigint, .notNull)
            .column("note", type: .text, .notNull)
            .column("date_won", type: .text)
            .column("user_id", type: .text)
            .column("contact_id", type: .text)
            .column("custom", type: DialectSQL.jsonType, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "opportunities_organization_lead").on("opportunities").column("organization_id").column("lead_id").run()
        try await db.create(index: "opportunities_organization_updated").on("opportunities").column("organization_id").column("date_updated").run()
        // Organizations that exist already get Close's default statuses and pipeline.
        let organizations = try await db.select().column("id").from("organizations").all(decodingColumn: "id", as: String.self)
        for organizationID in organizations {
            try await DefaultStatuses.create(in: TenantDatabase(organizationID: organizationID, sql: db), now: .now())
        }
    }
}

extension CRMSchema {
    /// Migration 5: custom field definitions; their values live in each object's `custom` column.
    static func createCustomFields(_ db: any SQLDatabase) async throws {
        try await db.create(table: "custom_fields")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("object_type", type: .text, .notNull)
            .column("name", type: .text, .notNull)
            .column("description", type: .text)
            .column("type", type: .text, .notNull)
            .column("choices", type: DialectSQL.jsonType, .notNull)
            // 0 or 1: the same integer column in every dialect.
            .column("accepts_multiple_values", type: .bigint, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "custom_fields_organization_object").on("custom_fields")
            .column("organization_id").column("object_type").run()
    }
}

extension CRMSchema {
    /// Migration 6: every list is ordered by a column and then the id (so pages never overlap); with the
    /// id in the index, SQLite and PostgreSQL read a page straight from it instead of sorting every row.
    static func createListIndexes(_ db: any SQLDatabase) async throws {
        for name in ["leads_organization_created", "leads_organization_updated", "leads_organization_name"] {
            try await db.drop(index: name).ifExists().run()
        }
        for (table, column) in [("leads", "date_created"), ("leads", "date_updated"), ("leads", "name"),
                                ("contacts", "date_created"), ("opportunities", "date_created")] {
            try await db.create(index: "\(table)_organization_\(column)_id").on(table)
                .column("organization_id").column(column).column("id").run()
        }
    }

    /// Migration 7: `date_lost`, filled like `date_won` when an opportunity moves to a lost status.
    static func addDateLost(_ db: any SQLDatabase) async throws {
        try await db.alter(table: "opportunities").column("date_lost", type: .text).run()
    }
}

/// What a new Close organization starts with (close-api.md §8): lead statuses Potential, Bad Fit,
/// Qualified, Customer; a pipeline "Sales" with Active, Won and Lost.
enum DefaultStatuses {
    static func create(in db: TenantDatabase, now: CloseTimestamp) async throws {
        let time = now.microseconds
        for (position, label) in ["Potential", "Bad Fit", "Qualified", "Customer"].enumerated() {
            try await db.insert(into: .statuses, [
                ("id", ClosrID.make(.status)), ("kind", "lead"), ("label", label), ("type", String?.none),
                ("pipeline_id", String?.none), ("position", position), ("date_created", time), ("date_updated", time),
            ]).run()
        }
        let pipelineID = ClosrID.make(.pipeline)
        try await db.insert(into: .pipelines, [
            ("id", pipelineID), ("name", "Sales"), ("position", 0), ("date_created", time), ("date_updated", time),
        ]).run()
        for (position, (label, type)) in [("Active", "active"), ("Won", "won"), ("Lost", "lost")].enumerated() {
            try await db.insert(into: .statuses, [
                ("id", ClosrID.make(.status)), ("kind", "opportunity"), ("label", label), ("type", type),
                ("pipeline_id", pipelineID), ("position", position), ("date_created", time), ("date_updated", time),
            ]).run()
        }
    }
}
