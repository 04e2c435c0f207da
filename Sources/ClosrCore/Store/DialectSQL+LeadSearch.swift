import SQLKit

/// The lead search index, per dialect (migration 8), and the condition that uses it.
///
/// Each lead has one search document in `lead_search_docs`: its name, its description, and each
/// contact's name, email addresses and phone numbers — the values a user typed, one per line, never the
/// JSON around them. Triggers in the database keep the document in step with every write to `leads` and
/// `contacts` (creation, update, a contact moved by a merge, deletion, cascades), whichever code path
/// or process writes, so no service has to remember it.
///
/// The index answers "contains this text, in any case" — the meaning lead search already had — from a
/// trigram index instead of a scan of every contact: SQLite's FTS5 with the `trigram` tokenizer (an
/// external-content table over the documents), PostgreSQL's `pg_trgm` GIN index under `ILIKE`. Words
/// of one or two characters have no trigram; they are compared with `LIKE` over the organization's
/// documents, a scan that the search deadline bounds.
enum LeadSearchIndex {
    /// Creates the documents, the index and the triggers, and writes every existing lead's document.
    static func create(_ db: any SQLDatabase) async throws {
        let statements = db.dialect.name == "postgresql" ? try await postgresStatements(db) : sqliteStatements
        for statement in statements {
            try await db.execute(sql: SQLRaw(statement), { _ in })
        }
    }

    // MARK: SQLite

    /// A lead's document, for the lead whose id is the SQL expression `lead`.
    private static func sqliteDocument(_ lead: String) -> String {
        """
        COALESCE((SELECT l.name || char(10) || l.description || char(10) || COALESCE((
            SELECT group_concat(c.name || char(10)
                || COALESCE((SELECT group_concat(json_extract(e.value, '$.email'), char(10)) FROM json_each(c.emails) AS e), '') || char(10)
                || COALESCE((SELECT group_concat(json_extract(p.value, '$.phone'), char(10)) FROM json_each(c.phones) AS p), ''),
                char(10))
            FROM contacts AS c WHERE c.organization_id = l.organization_id AND c.lead_id = l.id), '')
        FROM leads AS l WHERE l.id = \(lead)), '')
        """
    }

    private static let sqliteStatements: [String] = [
        """
        CREATE TABLE lead_search_docs (
            doc_id INTEGER PRIMARY KEY,
            lead_id TEXT NOT NULL UNIQUE REFERENCES leads (id) ON DELETE CASCADE,
            organization_id TEXT NOT NULL,
            doc TEXT NOT NULL
        )
        """,
        "CREATE INDEX lead_search_docs_organization ON lead_search_docs (organization_id)",
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
            INSERT INTO lead_search_docs (lead_id, organization_id, doc) VALUES (new.id, new.organization_id, \(sqliteDocument("new.id")));
        END
        """,
        """
        CREATE TRIGGER leads_search_updated AFTER UPDATE OF name, description ON leads BEGIN
            UPDATE lead_search_docs SET doc = \(sqliteDocument("new.id")) WHERE lead_id = new.id;
        END
        """,
        """
        CREATE TRIGGER contacts_search_inserted AFTER INSERT ON contacts BEGIN
            UPDATE lead_search_docs SET doc = \(sqliteDocument("new.lead_id")) WHERE lead_id = new.lead_id;
        END
        """,
        """
        CREATE TRIGGER contacts_search_updated AFTER UPDATE OF name, emails, phones, lead_id ON contacts BEGIN
            UPDATE lead_search_docs SET doc = \(sqliteDocument("new.lead_id")) WHERE lead_id = new.lead_id;
            UPDATE lead_search_docs SET doc = \(sqliteDocument("old.lead_id")) WHERE lead_id = old.lead_id AND old.lead_id <> new.lead_id;
        END
        """,
        """
        CREATE TRIGGER contacts_search_deleted AFTER DELETE ON contacts BEGIN
            UPDATE lead_search_docs SET doc = \(sqliteDocument("old.lead_id")) WHERE lead_id = old.lead_id;
        END
        """,
        "INSERT INTO lead_search_docs (lead_id, organization_id, doc) SELECT leads.id, leads.organization_id, \(sqliteDocument("leads.id")) FROM leads",
    ]

    // MARK: PostgreSQL

    private static let postgresDocument = """
        SELECT l.name || E'\\n' || l.description || E'\\n' || COALESCE((
            SELECT string_agg(c.name || E'\\n'
                || COALESCE((SELECT string_agg(e ->> 'email', E'\\n') FROM jsonb_array_elements(c.emails) AS e), '') || E'\\n'
                || COALESCE((SELECT string_agg(p ->> 'phone', E'\\n') FROM jsonb_array_elements(c.phones) AS p), ''),
                E'\\n')
            FROM contacts AS c WHERE c.organization_id = l.organization_id AND c.lead_id = l.id), '')
        FROM leads AS l WHERE l.id = $1
        """

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
                lead_id TEXT PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
                organization_id TEXT NOT NULL,
                doc TEXT NOT NULL
            )
            """,
            "CREATE INDEX lead_search_docs_organization ON lead_search_docs (organization_id)",
            "CREATE INDEX lead_search_docs_doc ON lead_search_docs USING gin (doc \(quoted).gin_trgm_ops)",
            "CREATE FUNCTION closr_lead_search_doc(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $body$ \(postgresDocument) $body$",
            """
            CREATE FUNCTION closr_lead_search_on_lead() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO lead_search_docs (lead_id, organization_id, doc)
                    VALUES (NEW.id, NEW.organization_id, COALESCE(closr_lead_search_doc(NEW.id), ''));
                ELSE
                    UPDATE lead_search_docs SET doc = COALESCE(closr_lead_search_doc(NEW.id), '') WHERE lead_id = NEW.id;
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
                IF TG_OP <> 'DELETE' THEN
                    UPDATE lead_search_docs SET doc = COALESCE(closr_lead_search_doc(NEW.lead_id), '') WHERE lead_id = NEW.lead_id;
                END IF;
                IF TG_OP = 'DELETE' OR OLD.lead_id <> NEW.lead_id THEN
                    UPDATE lead_search_docs SET doc = COALESCE(closr_lead_search_doc(OLD.lead_id), '') WHERE lead_id = OLD.lead_id;
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
            INSERT INTO lead_search_docs (lead_id, organization_id, doc)
            SELECT leads.id, leads.organization_id, COALESCE(closr_lead_search_doc(leads.id), '') FROM leads
            """,
        ]
    }
}

/// Whether a lead's search document contains each of `words` and none of `excluded`, in any case (a
/// condition on `lead_search_docs`; every word of a query on one document, so a query of many words is
/// one lookup, not one join per word).
///
/// SQLite: `doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH '"w1" AND "w2"')` and
/// `doc_id NOT IN (… MATCH '"x1" OR "x2"')`, trigram phrases the FTS5 index answers; PostgreSQL:
/// `doc ILIKE '%w%'` and `doc NOT ILIKE '%x%'`, which the `pg_trgm` GIN index answers together. A word
/// shorter than three characters has no trigram and is compared with `LIKE` on both. Words are always
/// bound.
struct LeadSearchMatches: SQLExpression {
    let words: [String]
    let excluded: [String]

    private static func indexable(_ word: String) -> Bool { word.unicodeScalars.count >= 3 }

    private static func phrase(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func serialize(to serializer: inout SQLSerializer) {
        let postgres = DialectSQL.isPostgres(serializer)
        let document = SQLColumn("doc", table: "lead_search_docs")
        var conditions: [any SQLExpression] = []
        for (list, negated) in [(words, false), (excluded, true)] {
            for word in list where postgres || !Self.indexable(word) {
                conditions.append(CaseInsensitiveLike(value: document, pattern: CaseInsensitiveLike.contains(word), negated: negated))
            }
        }
        if !postgres {
            let long = words.filter(Self.indexable)
            if !long.isEmpty { conditions.append(TrigramMatch(query: long.map(Self.phrase).joined(separator: " AND "), negated: false)) }
            let longExcluded = excluded.filter(Self.indexable)
            if !longExcluded.isEmpty { conditions.append(TrigramMatch(query: longExcluded.map(Self.phrase).joined(separator: " OR "), negated: true)) }
        }
        SQLList(conditions, separator: SQLRaw(" AND ")).serialize(to: &serializer)
    }

    /// `lead_search_docs.doc_id [NOT] IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ?)`.
    private struct TrigramMatch: SQLExpression {
        let query: String
        let negated: Bool

        func serialize(to serializer: inout SQLSerializer) {
            serializer.write(negated ? "lead_search_docs.doc_id NOT IN " : "lead_search_docs.doc_id IN ")
            serializer.write("(SELECT rowid FROM lead_search WHERE lead_search MATCH ")
            serializer.write(bind: query)
            serializer.write(")")
        }
    }
}
