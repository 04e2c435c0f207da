import SQLKit

/// Migration 9: activities, tasks, webhook subscriptions and the webhook outbox.
///
/// An activity keeps the members every activity has as columns (so lists filter and order on indexes)
/// and its type's own members as JSON (`fields`), the form they take on the wire. `related_id` is the one
/// other object a type points at (an opportunity, a task, a custom activity type, a form, an email
/// thread), so that filter is on an index too.
enum TimelineSchema {
    static func create(_ db: any SQLDatabase) async throws {
        try await db.create(table: "activities")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("type", type: .text, .notNull)
            .column("lead_id", type: .text)
            .column("contact_id", type: .text)
            .column("user_id", type: .text)
            .column("related_id", type: .text)
            .column("activity_at", type: .bigint)
            .column("fields", type: DialectSQL.jsonType, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "activities_organization_date_created_id").on("activities")
            .column("organization_id").column("date_created").column("id").run()
        try await db.create(index: "activities_organization_lead").on("activities")
            .column("organization_id").column("lead_id").column("date_created").run()

        try await db.create(table: "tasks")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("type", type: .text, .notNull)
            .column("lead_id", type: .text)
            .column("contact_id", type: .text)
            .column("assigned_to", type: .text)
            .column("text", type: .text, .notNull)
            // `date` as the client gave it (a date or a date-time); `date_at` its instant (a date at
            // 00:00 UTC) and `date_only` whether it had no time, for the time-zone-aware views.
            .column("date", type: .text)
            .column("date_at", type: .bigint)
            .column("date_only", type: .bigint, .notNull)
            .column("due_date", type: .text)
            .column("is_complete", type: .bigint, .notNull)
            .column("is_dateless", type: .bigint, .notNull)
            .column("priority", type: .text)
            .column("resolution", type: .text)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "tasks_organization_date_created_id").on("tasks")
            .column("organization_id").column("date_created").column("id").run()
        try await db.create(index: "tasks_organization_lead").on("tasks").column("organization_id").column("lead_id").run()

        // Custom activity types (`/custom_activity/`); their fields are custom fields of object type
        // `activity` that name the type they belong to.
        try await db.create(table: "custom_activity_types")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("name", type: .text, .notNull)
            .column("description", type: .text, .notNull)
            .column("api_create_only", type: .bigint, .notNull)
            .column("editable_with_roles", type: DialectSQL.jsonType, .notNull)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "custom_activity_types_organization").on("custom_activity_types").column("organization_id").run()
        try await db.alter(table: "custom_fields").column("custom_activity_type_id", type: .text).run()
        try await db.alter(table: "custom_fields").column("required", type: .bigint).run()

        try await db.create(table: "webhooks")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("url", type: .text, .notNull)
            .column("events", type: DialectSQL.jsonType, .notNull)
            .column("verify_ssl", type: .bigint, .notNull)
            .column("status", type: .text, .notNull)
            .column("pause_reason", type: .text)
            // The signing key sealed with the server's secret (``SecretSealer``), never in plain text.
            .column("sealed_signature_key", type: .text, .notNull)
            // When the current run of failed deliveries began; null while deliveries succeed.
            .column("failing_since", type: .bigint)
            .column("latest_error", type: .text)
            .column("created_by", type: .text)
            .column("updated_by", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()
        try await db.create(index: "webhooks_organization").on("webhooks").column("organization_id").run()

        // The outbox: one row per event and subscription, written in the transaction of the change and
        // deleted once delivered (or given up after 72 hours). `sequence` orders one object's deliveries.
        try await db.create(table: "webhook_deliveries")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("webhook_id", type: .text, .notNull, .references("webhooks", "id", onDelete: .cascade))
            .column("event_id", type: .text, .notNull)
            .column("object_id", type: .text, .notNull)
            .column("attempts", type: .bigint, .notNull)
            .column("next_attempt_at", type: .bigint, .notNull)
            .column("last_error", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .run()
        try await db.create(index: "webhook_deliveries_due").on("webhook_deliveries").column("next_attempt_at").run()
        try await db.create(index: "webhook_deliveries_object").on("webhook_deliveries")
            .column("webhook_id").column("object_id").column("id").run()
        // Each subscription's (object_type, action) pairs, once each, for the outbox trigger.
        try await db.create(table: "webhook_event_types")
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("webhook_id", type: .text, .notNull, .references("webhooks", "id", onDelete: .cascade))
            .column("object_type", type: .text, .notNull)
            .column("action", type: .text, .notNull)
            .unique("webhook_id", "object_type", "action")
            .run()
        try await db.create(index: "webhook_event_types_match").on("webhook_event_types")
            .column("organization_id").column("object_type").column("action").run()
        try await WebhookOutboxTrigger.create(db)
        // Event retention drops old events of every organization by creation date.
        try await db.create(index: "events_date_created").on("events").column("date_created").run()
    }
}
