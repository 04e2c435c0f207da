import SQLKit

/// The webhook outbox is filled by the database (migration 9): every event row inserted, by any path
/// and any process, adds one delivery per active subscription of its organization that lists the
/// event's `object_type` and `action` — in the same transaction, so a committed change always has its
/// deliveries and a rolled-back one has none. Extra filters are judged when a delivery is sent.
enum WebhookOutboxTrigger {
    static func create(_ db: any SQLDatabase) async throws {
        let statements = db.dialect.name == "postgresql" ? postgresStatements : sqliteStatements
        for statement in statements { try await db.execute(sql: SQLRaw(statement), { _ in }) }
    }

    static let selection = """
        SELECT NEW.id || '.' || t.webhook_id, NEW.organization_id, t.webhook_id, NEW.id, NEW.object_id, 0, NEW.date_created, NEW.date_created
        FROM webhook_event_types t JOIN webhooks w ON w.id = t.webhook_id AND w.organization_id = t.organization_id
        WHERE t.organization_id = NEW.organization_id AND t.object_type = NEW.object_type AND t.action = NEW.action AND w.status = 'active'
        """
    static let insertion = "INSERT INTO webhook_deliveries (id, organization_id, webhook_id, event_id, object_id, attempts, next_attempt_at, date_created)"

    static let sqliteStatements = [
        """
        CREATE TRIGGER events_webhook_outbox AFTER INSERT ON events BEGIN
        \(insertion)
        \(selection);
        END
        """,
    ]

    static let postgresStatements = [
        """
        CREATE FUNCTION closr_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
        \(insertion)
        \(selection);
        RETURN NULL;
        END
        $body$
        """,
        "CREATE TRIGGER events_webhook_outbox AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION closr_webhook_outbox()",
    ]
}

extension WebhookOutboxTrigger {
    /// `FOR UPDATE OF d SKIP LOCKED` on PostgreSQL: a due delivery is claimed by one node, and another
    /// node's claim passes over it instead of waiting; SQLite's writer lock serialises claims anyway.
    struct ClaimLock: SQLExpression {
        func serialize(to serializer: inout SQLSerializer) {
            if DialectSQL.isPostgres(serializer) { serializer.write("FOR UPDATE OF d SKIP LOCKED") }
        }
    }
}

extension WebhookOutboxTrigger {
    /// No earlier undelivered delivery of the same object for the same subscription. Ids compare by
    /// their bytes (`COLLATE "C"` on PostgreSQL, SQLite's default): base62 ids sort by time only so, and
    /// a database created with a language collation (`en_US.UTF-8`) would put `Z` after `a`.
    struct NoEarlierDelivery: SQLExpression {
        func serialize(to serializer: inout SQLSerializer) {
            let collate = DialectSQL.isPostgres(serializer) ? " COLLATE \"C\"" : ""
            serializer.write("NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id AND p.object_id = d.object_id AND p.id\(collate) < d.id\(collate))")
        }
    }
}
