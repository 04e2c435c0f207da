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
/// The index is a word index, the same on both dialects: a document's words are its runs of letters and
/// digits, in any case (`first_last@x.com` holds `first`, `last`, `x`, `com`). SQLite indexes them with
/// FTS5's `unicode61` tokenizer (an external-content table over the documents, diacritics kept);
/// PostgreSQL with a GIN index on a `tsvector` of the `simple` configuration over the same runs. A query
/// word is the phrase of its runs, the last one a prefix unless the word ends in punctuation
/// (``LeadSearchQuery``): `acm` finds Acme, `first_last` finds first_last@x.com, `fifty%` finds
/// "Fifty% Off" but not Fiftyish. (A trigram index, tried first, kept the old substring meaning but
/// made a word common to most documents — `company` in a million company names — take a second.)
enum LeadSearchIndex {
    /// Creates the documents, the index and the triggers, and writes the documents of every existing
    /// lead and contact.
    static func create(_ db: any SQLDatabase) async throws {
        let statements = db.dialect.name == "postgresql" ? postgresStatements : sqliteStatements
        for statement in statements {
            try await db.execute(sql: SQLRaw(statement), { _ in })
        }
    }

    // MARK: SQLite

    /// The suffixes a phone number's digits are indexed under beside the number itself, so that a
    /// search for its last digits (`0199`, `555 0199`) finds it: the word index would otherwise know
    /// `+14155550199` only as one word. From the second digit on, as many as E.164 numbers have.
    static let phoneSuffixStarts = 2...15

    /// A contact's document, for the contact row named `row` (`new`, `c`).
    private static func sqliteContactDocument(_ row: String) -> String {
        let phone = "json_extract(p.value, '$.phone')"
        let digits = "replace(\(phone), '+', '')"
        let phoneWords = ([phone] + phoneSuffixStarts.map { "substr(\(digits), \($0))" }).joined(separator: " || ' ' || ")
        return """
        \(row).name || char(10)
            || COALESCE((SELECT group_concat(json_extract(e.value, '$.email'), char(10)) FROM json_each(\(row).emails) AS e), '') || char(10)
            || COALESCE((SELECT group_concat(\(phoneWords), char(10)) FROM json_each(\(row).phones) AS p), '')
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
        """
        CREATE VIRTUAL TABLE lead_search USING fts5(
            doc, content = 'lead_search_docs', content_rowid = 'doc_id', tokenize = 'unicode61 remove_diacritics 0'
        )
        """,
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

    /// The documents carry their words as a generated `tsvector` (letters and digits runs, `simple`
    /// configuration: lower-cased, no stemming, no stop words), indexed with GIN.
    private static let postgresStatements: [String] = [
        """
        CREATE TABLE lead_search_docs (
            part_id TEXT PRIMARY KEY,
            lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            organization_id TEXT NOT NULL,
            doc TEXT NOT NULL,
            words TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace(doc, '[^[:alnum:]]+', ' ', 'g'))) STORED
        )
        """,
        "CREATE INDEX lead_search_docs_organization ON lead_search_docs (organization_id)",
        "CREATE INDEX lead_search_docs_lead ON lead_search_docs (lead_id)",
        "CREATE INDEX lead_search_docs_words ON lead_search_docs USING gin (words)",
        """
        CREATE FUNCTION closr_contact_search_doc(TEXT, JSONB, JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $body$
        SELECT $1 || E'\\n'
            || COALESCE((SELECT string_agg(e ->> 'email', E'\\n') FROM jsonb_array_elements($2) AS e), '') || E'\\n'
            || COALESCE((SELECT string_agg((p ->> 'phone') || ' ' || (
                SELECT string_agg(substr(replace(p ->> 'phone', '+', ''), k), ' ')
                FROM generate_series(\(phoneSuffixStarts.lowerBound), \(phoneSuffixStarts.upperBound)) AS k), E'\\n')
            FROM jsonb_array_elements($3) AS p), '')
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

/// A query word as the index reads it: its runs of letters and digits, lower-cased, the last one a
/// prefix unless the word ends in something else (`acm` → `acm*`; `fifty%` → `fifty`;
/// `first_last@x.com` → the phrase `first last x com*`).
struct LeadSearchQuery: Hashable, Sendable {
    let tokens: [String]
    let prefix: Bool

    init(_ word: String) {
        tokens = Self.words(of: word)
        prefix = word.last.map { $0.isLetter || $0.isNumber } ?? false
    }

    private init(tokens: [String], prefix: Bool) {
        self.tokens = tokens
        self.prefix = prefix
    }

    /// A text's runs of letters and digits, lower-cased: the words of a query, and of a document when
    /// ``LeadSearchDocumentHolds`` reads one row without the index.
    static func words(of text: some StringProtocol) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// An FTS5 phrase: `"first last x com" *`.
    var fts5: String { "\"" + tokens.joined(separator: " ") + "\"" + (prefix ? " *" : "") }

    /// A `tsquery`: `first <-> last <-> x <-> com:*`.
    var tsquery: String {
        tokens.enumerated().map { index, token in
            "'" + token + "'" + (prefix && index == tokens.count - 1 ? ":*" : "")
        }.joined(separator: " <-> ")
    }

    /// The word as ``LeadSearchDocumentHolds`` binds it for SQLite's `closr_search_holds`:
    /// `first last x com*`.
    var pattern: String { tokens.joined(separator: " ") + (prefix ? "*" : "") }

    init(pattern: String) {
        let prefix = pattern.hasSuffix("*")
        self.init(tokens: pattern.dropLast(prefix ? 1 : 0).split(separator: " ").map(String.init), prefix: prefix)
    }

    /// Whether a document with these words holds the query word: its tokens one after another, the last
    /// one as a prefix when the word is one — what the index answers, for one document.
    func isHeld(by words: [String]) -> Bool {
        guard !tokens.isEmpty, words.count >= tokens.count else { return false }
        let last = tokens.count - 1
        for start in 0...(words.count - tokens.count) {
            var held = true
            for index in 0..<last where words[start + index] != tokens[index] {
                held = false
                break
            }
            guard held else { continue }
            let word = words[start + last]
            if prefix ? word.hasPrefix(tokens[last]) : word == tokens[last] { return true }
        }
        return false
    }

    /// How specific the word looks before the index is asked (``LeadSearchDriver``): longer runs match
    /// fewer documents, and a whole word fewer than the same letters as a prefix.
    var specificity: Int { tokens.reduce(0) { $0 + $1.count } * 2 + (prefix ? 0 : 1) }
}

/// Whether a search document holds a query word (``LeadSearchQuery``) — or, with ``init(anyOf:)``, any
/// of several (a condition on `lead_search_docs`).
///
/// SQLite: `doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ?)`, the FTS5 index's
/// phrase query (several joined by `OR`); PostgreSQL: `words @@ to_tsquery('simple', ?)` on the GIN
/// index (several joined by `|`). A word with no letter or digit matches nothing. Words are always bound.
struct LeadSearchContains: SQLExpression {
    let queries: [LeadSearchQuery]

    /// Words without a letter or digit are left out (so one alone matches nothing).
    init(queries: [LeadSearchQuery]) { self.queries = queries.filter { !$0.tokens.isEmpty } }

    func serialize(to serializer: inout SQLSerializer) {
        guard !queries.isEmpty else { return serializer.write("1 = 0") }
        if DialectSQL.isPostgres(serializer) {
            LeadSearchWordsMatch(tsquery: queries.map { "(" + $0.tsquery + ")" }.joined(separator: " | ")).serialize(to: &serializer)
        } else {
            serializer.write("lead_search_docs.doc_id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ")
            serializer.write(bind: queries.map(\.fts5).joined(separator: " OR "))
            serializer.write(")")
        }
    }
}

/// Whether one row of `lead_search_docs` holds a query word, read from that row alone rather than
/// through the index: for a search whose candidates one rare word has already chosen
/// (``LeadSearchDriver``), checking a few hundred documents is cheaper than asking the index for
/// every document that holds a common word (FTS5 merges every entry of a prefix before answering).
///
/// SQLite: `closr_search_holds(doc, pattern)`, a function each connection registers
/// (``SQLiteConnection``), which tokenizes as ``LeadSearchQuery/words(of:)``; PostgreSQL: the row's
/// `tsvector` against the word's `tsquery` through `ts_match_vq`, which keeps the planner off the index.
struct LeadSearchDocumentHolds: SQLExpression {
    static let sqliteFunction = "closr_search_holds"

    let query: LeadSearchQuery

    func serialize(to serializer: inout SQLSerializer) {
        guard !query.tokens.isEmpty else { return serializer.write("1 = 0") }
        if DialectSQL.isPostgres(serializer) {
            // The `@@` operator's function, which the planner does not match to the GIN index: with
            // `@@` it turned a check of a word like `512345-0` (whose `0:*` reads every entry starting
            // with 0) into an index scan over the organization, 170 ms instead of 0.4 ms.
            serializer.write("ts_match_vq(lead_search_docs.words, to_tsquery('simple'::regconfig, ")
            serializer.write(bind: query.tsquery)
            serializer.write("))")
        } else {
            serializer.write("\(Self.sqliteFunction)(lead_search_docs.doc, ")
            serializer.write(bind: query.pattern)
            serializer.write(")")
        }
    }

    /// The SQLite function's body: 1 when `doc` holds the word `pattern` spells.
    static func holds(doc: String, pattern: String) -> Bool {
        LeadSearchQuery(pattern: pattern).isHeld(by: LeadSearchQuery.words(of: doc))
    }
}

/// PostgreSQL's test of a document's words: `lead_search_docs.words @@ to_tsquery('simple', ?)`, the
/// query bound.
struct LeadSearchWordsMatch: SQLExpression {
    let tsquery: String

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("lead_search_docs.words @@ to_tsquery('simple'::regconfig, ")
        serializer.write(bind: tsquery)
        serializer.write(")")
    }
}
