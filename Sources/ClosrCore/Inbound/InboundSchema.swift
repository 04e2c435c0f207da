import SQLKit

/// Migration 10: inbound lead intake and the web tracker.
///
/// - `inbound_settings`: one row per organization that changed the defaults (allowed browser origins,
///   dedupe by email, honouring Do Not Track).
/// - `contact_emails`: every contact's email addresses, lower-cased, one row each, so that an inbound
///   post finds the contact its email belongs to on an index instead of scanning every contact's JSON.
///   Only ASCII letters are lower-cased, on both databases (PostgreSQL's `lower` under the C collation).
///   Triggers keep it in step with `contacts` (insert, update of emails or lead, delete, cascades),
///   whichever code path or process writes, as the search index's do.
/// - `page_views`: what the tracker sent, by anonymous visitor id.
/// - `visitor_leads`: which lead a visitor became (one row per inbound post that carried a visitor id),
///   so a visitor's page views before and after are the lead's without rewriting them; deleted with the
///   lead, moved by a merge.
enum InboundSchema {
    static func create(_ db: any SQLDatabase) async throws {
        try await db.create(table: "inbound_settings")
            .column("organization_id", type: .text, .primaryKey(autoIncrement: false), .references("organizations", "id", onDelete: .cascade))
            .column("allowed_origins", type: DialectSQL.jsonType, .notNull)
            .column("dedupe_by_email", type: .bigint, .notNull)
            .column("respect_do_not_track", type: .bigint, .notNull)
            .column("date_updated", type: .bigint, .notNull)
            .run()

        try await db.create(table: "contact_emails")
            .column("organization_id", type: .text, .notNull)
            .column("email", type: .text, .notNull)
            .column("contact_id", type: .text, .notNull)
            .column("lead_id", type: .text, .notNull)
            .run()
        try await db.create(index: "contact_emails_organization_email").on("contact_emails").column("organization_id").column("email").run()
        try await db.create(index: "contact_emails_contact").on("contact_emails").column("contact_id").run()

        try await db.create(table: "page_views")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("visitor_id", type: .text, .notNull)
            .column("url", type: .text, .notNull)
            .column("referrer", type: .text)
            .column("title", type: .text)
            .column("ip_address", type: .text)
            .column("user_agent", type: .text)
            .column("date_created", type: .bigint, .notNull)
            .run()
        try await db.create(index: "page_views_organization_visitor").on("page_views")
            .column("organization_id").column("visitor_id").column("date_created").run()
        try await db.create(index: "page_views_organization_date_created_id").on("page_views")
            .column("organization_id").column("date_created").column("id").run()

        try await db.create(table: "visitor_leads")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("organization_id", type: .text, .notNull, .references("organizations", "id", onDelete: .cascade))
            .column("visitor_id", type: .text, .notNull)
            .column("lead_id", type: .text, .notNull, .references("leads", "id", onDelete: .cascade))
            .column("date_created", type: .bigint, .notNull)
            .run()
        try await db.create(index: "visitor_leads_organization_lead").on("visitor_leads").column("organization_id").column("lead_id").run()
        try await db.create(index: "visitor_leads_organization_visitor").on("visitor_leads").column("organization_id").column("visitor_id").run()

        for statement in db.dialect.name == "postgresql" ? postgresEmailStatements : sqliteEmailStatements {
            try await db.execute(sql: SQLRaw(statement), { _ in })
        }
    }

    // MARK: contact_emails, kept by triggers

    private static func sqliteEmailRows(_ row: String) -> String {
        """
        INSERT INTO contact_emails (organization_id, email, contact_id, lead_id)
            SELECT \(row).organization_id, lower(trim(json_extract(e.value, '$.email'))), \(row).id, \(row).lead_id
            FROM json_each(\(row).emails) AS e WHERE json_extract(e.value, '$.email') IS NOT NULL
        """
    }

    private static let sqliteEmailStatements: [String] = [
        "CREATE TRIGGER contacts_emails_inserted AFTER INSERT ON contacts BEGIN \(sqliteEmailRows("new")); END",
        """
        CREATE TRIGGER contacts_emails_updated AFTER UPDATE OF emails, lead_id ON contacts BEGIN
            DELETE FROM contact_emails WHERE contact_id = old.id;
            \(sqliteEmailRows("new"));
        END
        """,
        "CREATE TRIGGER contacts_emails_deleted AFTER DELETE ON contacts BEGIN DELETE FROM contact_emails WHERE contact_id = old.id; END",
        sqliteEmailRows("c").replacingOccurrences(of: "FROM json_each", with: "FROM contacts AS c, json_each"),
    ]

    private static let postgresEmailStatements: [String] = [
        """
        CREATE FUNCTION closr_contact_emails_on_contact() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                DELETE FROM contact_emails WHERE contact_id = OLD.id;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO contact_emails (organization_id, email, contact_id, lead_id)
                SELECT NEW.organization_id, lower(trim(e ->> 'email') COLLATE "C"), NEW.id, NEW.lead_id
                FROM jsonb_array_elements(NEW.emails) AS e WHERE e ->> 'email' IS NOT NULL;
            END IF;
            RETURN NULL;
        END
        $body$
        """,
        """
        CREATE TRIGGER contacts_emails AFTER INSERT OR DELETE OR UPDATE OF emails, lead_id ON contacts
        FOR EACH ROW EXECUTE FUNCTION closr_contact_emails_on_contact()
        """,
        """
        INSERT INTO contact_emails (organization_id, email, contact_id, lead_id)
        SELECT c.organization_id, lower(trim(e ->> 'email') COLLATE "C"), c.id, c.lead_id
        FROM contacts AS c, jsonb_array_elements(c.emails) AS e WHERE e ->> 'email' IS NOT NULL
        """,
    ]
}
