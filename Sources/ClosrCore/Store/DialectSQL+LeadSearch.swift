import SQLKit

/// The lead search index, per dialect (migration 8), and the conditions that use it.
///
/// A lead's searchable text is kept in `lead_search_docs` as one document per part: the lead's own
/// (its name and description) and one per contact (name, email addresses, phone numbers) — the values a
/// user typed, one per line, never the JSON around them. Triggers in the database keep each document in
/// step with its row (creation, update, a contact moved by a merge, deletion, cascades), whichever code
/// path or process writes, so no service has to remember it; a write touches only its own part's
/// document, so a lead with thousands of contacts costs no more per contact than one with two.
///
/// The index answers "contains this text, in any case" — the meaning lead search already had — from a
/// trigram index instead of a scan of every contact: SQLite's FTS5 with the `trigram` tokenizer (an
/// external-content table over the documents), PostgreSQL's `pg_trgm` GIN index under `ILIKE`. Words
/// of one or two characters have no trigram; they are compared with `LIKE` over the organization's
/// documents, a scan that the search deadline bounds.
enum LeadSearchIndex {
    /// Creates the documents, the index and the triggers, and writes the documents of every existing
    /// lead and contact.
    static func create(_ db: any SQLDatabase) async throws {
        let statements = db.dialect.name == "postgresql" ? try await postgresStatements(db) : sqliteStatements
        for statement in statements {
            try await db.execute(sql: SQLRaw(statement), { _ in })
        }
    }

    // MARK: SQLite

    /// A contact's document, for the contact row named `row` (`new`, `c`).
    private static func sqliteContactDocument(_ row: String) -> String {
        """
        \(row).name || char(10)
            || COALESCE((SELECT group_concat(json_extract(e.value, '$.email'), char(10)) FROM json_each(\(row).emails) AS e), '') || char(10)
            || COALESCE((SELECT group_concat(json_extract(p.value, '$.phone'), char(10)) FROM json_each(\(row).phones) AS p), '')
        """
    }

    private static let sqliteStatements: [String] = [
        """
        CREATE TABLE lead_search_docs (
            doc_id INTEGER PRIMARY KEY,
            part_id TEXT NOT NULL UNIQUE,
            lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            organization_id TEXT NOT NULL,
            doc TEXT NOT NULL
        )
        """,
        "CREATE INDEX lead_search_docs_organization ON lead_search_docs (organization_id)",
        "CREATE INDEX lead_search_docs_lead ON lead_search_docs (lead_id)",
        "CREATE VIRTUAL TABLE lead_search USING fts5(doc, content = 'lead_search_docs', content_rowid = 'doc_id', tokenize = 'trigram')",
        """
        CREATE TRIGGER lead_search_docs_inserted AFTER INSERT ON lead_search_docs BEGIN
            INSERT INTO lead_search (rowid, doc) VALUES (new.doc_id, new.doc);
        END
        """,
        """
        CREATE TRIGGER lead_search_docs_deleted AFTER DELETE ON lead_search_docs BEGIN
            INSERT INTO lead_search (lead_search, rowid, doc) VALUES ('delete', old.doc_id, old.doc);
        END
        """,
        """
        CREATE TRIGGER lead_search_docs_updated AFTER UPDATE OF doc ON lead_search_docs BEGIN
            INSERT INTO lead_search (lead_search, rowid, doc) VALUES ('delete', old.doc_id, old.doc);
            INSERT INTO lead_search (rowid, doc) VALUES (new.doc_id, new.doc);
        END
        """,
        """
        CREATE TRIGGER leads_search_inserted AFTER INSERT ON leads BEGIN
            INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
            VALUES (new.id, new.id, new.organization_id, new.name || char(10) || new.description);
        END
        """,
        """
        CREATE TRIGGER leads_search_updated AFTER UPDATE OF name, description ON leads BEGIN
            UPDATE lead_search_docs SET doc = new.name || char(10) || new.description WHERE part_id = new.id;
        END
        """,
        """
        CREATE TRIGGER contacts_search_inserted AFTER INSERT ON contacts BEGIN
            INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
            VALUES (new.id, new.lead_id, new.organization_id, \(sqliteContactDocument("new")));
        END
        """,
        """
        CREATE TRIGGER contacts_search_updated AFTER UPDATE OF name, emails, phones, lead_id ON contacts BEGIN
            UPDATE lead_search_docs SET lead_id = new.lead_id, doc = \(sqliteContactDocument("new")) WHERE part_id = new.id;
        END
        """,
        """
        CREATE TRIGGER contacts_search_deleted AFTER DELETE ON contacts BEGIN
            DELETE FROM lead_search_docs WHERE part_id = old.id;
        END
        """,
        """
        INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
        SELECT id, id, organization_id, name || char(10) || description FROM leads
        """,
        """
        INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
        SELECT c.id, c.lead_id, c.organization_id, \(sqliteContactDocument("c")) FROM contacts AS c
        """,
    ]

    // MARK: PostgreSQL

    /// `pg_trgm` is installed once per database (in `public` unless it is already elsewhere), under a
    /// lock every Closr schema of the database shares, so schemas migrating at once do not race to
    /// create it; its operator class is then named with the schema it lives in.
    private static func postgresStatements(_ db: any SQLDatabase) async throws -> [String] {
        try await db.execute(sql: SQLRaw("SELECT pg_advisory_xact_lock(\(0x436c_6f73_7203 as Int64))"), { _ in })
        try await db.execute(sql: SQLRaw("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"), { _ in })
        let row = try await db.raw("""
            SELECT n.nspname AS schema FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_trgm'
            """).first()
        let schema = try row?.decode(column: "schema", as: String.self) ?? "public"
        let quoted = "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return [
            """
            CREATE TABLE lead_search_docs (
                part_id TEXT PRIMARY KEY,
                lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
                organization_id TEXT NOT NULL,
                doc TEXT NOT NULL
            )
            """,
            "CREATE INDEX lead_search_docs_organization ON lead_search_docs (organization_id)",
            "CREATE INDEX lead_search_docs_lead ON lead_search_docs (lead_id)",
            "CREATE INDEX lead_search_docs_doc ON lead_search_docs USING gin (doc \(quoted).gin_trgm_ops)",
            """
            CREATE FUNCTION closr_contact_search_doc(TEXT, JSONB, JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $body$
            SELECT $1 || E'\\n'
                || COALESCE((SELECT string_agg(e ->> 'email', E'\\n') FROM jsonb_array_elements($2) AS e), '') || E'\\n'
                || COALESCE((SELECT string_agg(p ->> 'phone', E'\\n') FROM jsonb_array_elements($3) AS p), '')
            $body$
            """,
            """
            CREATE FUNCTION closr_lead_search_on_lead() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
                    VALUES (NEW.id, NEW.id, NEW.organization_id, NEW.name || E'\\n' || NEW.description);
                ELSE
                    UPDATE lead_search_docs SET doc = NEW.name || E'\\n' || NEW.description WHERE part_id = NEW.id;
                END IF;
                RETURN NULL;
            END
            $body$
            """,
            """
            CREATE TRIGGER leads_search AFTER INSERT OR UPDATE OF name, description ON leads
            FOR EACH ROW EXECUTE FUNCTION closr_lead_search_on_lead()
            """,
            """
            CREATE FUNCTION closr_lead_search_on_contact() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
                    VALUES (NEW.id, NEW.lead_id, NEW.organization_id, closr_contact_search_doc(NEW.name, NEW.emails, NEW.phones));
                ELSIF TG_OP = 'UPDATE' THEN
                    UPDATE lead_search_docs SET lead_id = NEW.lead_id, doc = closr_contact_search_doc(NEW.name, NEW.emails, NEW.phones)
                    WHERE part_id = NEW.id;
                ELSE
                    DELETE FROM lead_search_docs WHERE part_id = OLD.id;
                END IF;
                RETURN NULL;
            END
            $body$
            """,
            """
            CREATE TRIGGER contacts_search AFTER INSERT OR DELETE OR UPDATE OF name, emails, phones, lead_id ON contacts
            FOR EACH ROW EXECUTE FUNCTION closr_lead_search_on_contact()
            """,
            """
            INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
            SELECT id, id, organization_id, name || E'\\n' || description FROM leads
            """,
            """
            INSERT INTO lead_search_docs (part_id, lead_id, organization_id, doc)
            SELECT id, lead_id, organization_id, closr_contact_search_doc(name, emails, phones) FROM contacts
            """,
        ]
    }
}

/// Whether a search document contains `word`, in any case (a condition on `lead_search_docs`).
///
/// SQLite: `doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH '"word"')`, a trigram
/// phrase the FTS5 index answers; PostgreSQL: `doc ILIKE '%word%'`, which the `pg_trgm` GIN index
/// answers. A word shorter than three characters has no trigram and is compared with `LIKE` on both.
/// With several words (``anyOf``), a document containing any of them: one `MATCH` of the phrases joined
/// by `OR` on SQLite. Words are always bound.
struct LeadSearchContains: SQLExpression {
    let words: [String]

    init(_ word: String) { words = [word] }
    init(anyOf words: [String]) { self.words = words }

    private static func indexable(_ word: String) -> Bool { word.unicodeScalars.count >= 3 }

    private static func phrase(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func serialize(to serializer: inout SQLSerializer) {
        let postgres = DialectSQL.isPostgres(serializer)
        let document = SQLColumn("doc", table: "lead_search_docs")
        var conditions: [any SQLExpression] = words.filter { postgres || !Self.indexable($0) }.map {
            CaseInsensitiveLike(value: document, pattern: CaseInsensitiveLike.contains($0))
        }
        let indexed = postgres ? [] : words.filter(Self.indexable)
        if !indexed.isEmpty { conditions.append(TrigramMatch(query: indexed.map(Self.phrase).joined(separator: " OR "))) }
        serializer.write("(")
        SQLList(conditions, separator: SQLRaw(" OR ")).serialize(to: &serializer)
        serializer.write(")")
    }

    /// `lead_search_docs.doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ?)`.
    private struct TrigramMatch: SQLExpression {
        let query: String

        func serialize(to serializer: inout SQLSerializer) {
            serializer.write("lead_search_docs.doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ")
            serializer.write(bind: query)
            serializer.write(")")
        }
    }
}
