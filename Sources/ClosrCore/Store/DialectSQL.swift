import SQLKit

/// The SQL that differs between SQLite and PostgreSQL, each piece an expression that picks its text from
/// the serializer's dialect (as sql-kit's own expressions do). No file but these (`DialectSQL*.swift`) writes
/// dialect-specific SQL; the search index's is in `DialectSQL+LeadSearch.swift`.
enum DialectSQL {
    /// The column type of JSON values: `TEXT` on SQLite, `jsonb` on PostgreSQL.
    static let jsonType = SQLDataType.custom(JSONColumnType())

    /// Whether the serializer writes PostgreSQL.
    static func isPostgres(_ serializer: SQLSerializer) -> Bool {
        serializer.dialect.name == "postgresql"
    }

    /// `function(column, ?)` on SQLite, the `?` being the JSON path to the object's member `key`
    /// (`$."cf_…"`), bound as a value, never spliced.
    static func sqliteMember(_ function: String, of column: SQLColumn, key: String, to serializer: inout SQLSerializer) {
        serializer.write(function + "(")
        column.serialize(to: &serializer)
        serializer.write(", ")
        serializer.write(bind: "$.\"" + key + "\"")
        serializer.write(")")
    }
}

private struct JSONColumnType: SQLExpression {
    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(DialectSQL.isPostgres(serializer) ? "JSONB" : "TEXT")
    }
}

/// A JSON array aggregated from the rows of a subquery, each row an array of `columns`:
/// `json_group_array(json_array(…))` on SQLite, `json_agg(json_build_array(…))` on PostgreSQL; `[]`
/// for no rows on both.
struct JSONArrayAggregate: SQLExpression {
    /// Each a column of the subquery's table; JSON columns are passed as ``JSONValueOf``.
    let columns: [any SQLExpression]

    func serialize(to serializer: inout SQLSerializer) {
        let postgres = DialectSQL.isPostgres(serializer)
        if postgres { serializer.write("COALESCE(") }
        serializer.write(postgres ? "json_agg(json_build_array(" : "json_group_array(json_array(")
        SQLList(columns).serialize(to: &serializer)
        serializer.write("))")
        if postgres { serializer.write(", '[]'::json)") }
    }
}

/// A JSON column as a JSON value inside a JSON constructor: `json(c)` on SQLite (where the column holds
/// text), the `jsonb` column itself on PostgreSQL.
struct JSONValueOf: SQLExpression {
    let column: SQLColumn

    func serialize(to serializer: inout SQLSerializer) {
        if DialectSQL.isPostgres(serializer) {
            column.serialize(to: &serializer)
        } else {
            serializer.write("json(")
            column.serialize(to: &serializer)
            serializer.write(")")
        }
    }
}

/// `a LIKE ? ESCAPE '\'`, case-insensitive on both (SQLite's `LIKE` is, for ASCII; PostgreSQL's
/// `ILIKE`). Build the pattern with ``CaseInsensitiveLike/contains(_:)``.
struct CaseInsensitiveLike: SQLExpression {
    let value: any SQLExpression
    let pattern: String
    var negated = false

    /// `%text%` with `%`, `_` and `\` in `text` matching themselves.
    static func contains(_ text: String) -> String {
        "%" + escaped(text) + "%"
    }

    /// `text` with `%`, `_` and `\` escaped for ``CaseInsensitiveLike``.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    func serialize(to serializer: inout SQLSerializer) {
        value.serialize(to: &serializer)
        if negated { serializer.write(" NOT") }
        serializer.write(DialectSQL.isPostgres(serializer) ? " ILIKE " : " LIKE ")
        serializer.write(bind: pattern)
        serializer.write(" ESCAPE '\\'")
    }
}

/// Whether a JSON array column holds an object whose `key` matches a ``CaseInsensitiveLike`` pattern:
/// `EXISTS (SELECT 1 FROM json_each(c) …)` on SQLite, `jsonb_array_elements` on PostgreSQL. Searching
/// the values themselves, not the serialised text (where `office` matched every `"type":"office"`).
struct JSONArrayMemberLike: SQLExpression {
    let column: SQLColumn
    let key: String
    let pattern: String

    func serialize(to serializer: inout SQLSerializer) {
        let postgres = DialectSQL.isPostgres(serializer)
        serializer.write("EXISTS (SELECT 1 FROM ")
        serializer.write(postgres ? "jsonb_array_elements(" : "json_each(")
        column.serialize(to: &serializer)
        serializer.write(") AS member WHERE ")
        // `key` is one of Closr's own field names, never input.
        let member = postgres ? "member.value ->> '\(key)'" : "json_extract(member.value, '$.\(key)')"
        CaseInsensitiveLike(value: SQLRaw(member), pattern: pattern).serialize(to: &serializer)
        serializer.write(")")
    }
}

/// Whether a JSON object column's member `key` (a custom field's id) matches a ``CaseInsensitiveLike``
/// pattern — the value itself, or for an array (a field of several values) any of its elements:
/// `json_each(c, '$."key"')` on SQLite, which walks an array and yields a scalar as one row;
/// `jsonb_array_elements_text` on PostgreSQL over the member, wrapped in an array when it is not one.
struct JSONObjectMemberLike: SQLExpression {
    let column: SQLColumn
    let key: String
    let pattern: String
    /// `NOT EXISTS`: the member is missing, or nothing in it matches.
    var negated = false

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(negated ? "NOT EXISTS (SELECT 1 FROM " : "EXISTS (SELECT 1 FROM ")
        if DialectSQL.isPostgres(serializer) {
            serializer.write("jsonb_array_elements_text(CASE jsonb_typeof(")
            member(serializer: &serializer)
            serializer.write(") WHEN 'array' THEN ")
            member(serializer: &serializer)
            serializer.write(" ELSE jsonb_build_array(")
            member(serializer: &serializer)
            serializer.write(") END) AS element(value) WHERE ")
        } else {
            DialectSQL.sqliteMember("json_each", of: column, key: key, to: &serializer)
            serializer.write(" AS element WHERE ")
        }
        CaseInsensitiveLike(value: SQLColumn("value", table: "element"), pattern: pattern).serialize(to: &serializer)
        serializer.write(")")
    }

    /// `c -> ?`, PostgreSQL's member of a `jsonb` object.
    private func member(serializer: inout SQLSerializer) {
        column.serialize(to: &serializer)
        serializer.write(" -> ")
        serializer.write(bind: key)
    }
}

/// Whether a JSON object column has a member named `key` (a custom field's id).
struct JSONObjectHasKey: SQLExpression {
    let column: SQLColumn
    let key: String

    func serialize(to serializer: inout SQLSerializer) {
        if DialectSQL.isPostgres(serializer) {
            column.serialize(to: &serializer)
            serializer.write(" ? ")
            serializer.write(bind: key)
        } else {
            DialectSQL.sqliteMember("json_type", of: column, key: key, to: &serializer)
            serializer.write(" IS NOT NULL")
        }
    }
}

/// Takes a lock that serialises what must run once across processes and nodes (migrations, first-start
/// provisioning), held until the transaction ends: `pg_advisory_xact_lock` on PostgreSQL; on SQLite the
/// transaction's `BEGIN IMMEDIATE` already holds the only write lock, so it selects nothing.
struct StoreLock: SQLExpression {
    let key: Int64

    static let schema = StoreLock(key: 0x436c_6f73_7201)
    static let provisioning = StoreLock(key: 0x436c_6f73_7202)

    func serialize(to serializer: inout SQLSerializer) {
        if DialectSQL.isPostgres(serializer) {
            serializer.write("SELECT pg_advisory_xact_lock(\(key))")
        } else {
            serializer.write("SELECT 1")
        }
    }
}

/// An inner join that keeps its left side as the outer loop: `CROSS` in SQLite, which documents it for
/// exactly this; `INNER` on PostgreSQL, whose `CROSS JOIN` takes no `ON` and whose planner needs no hint.
struct OuterLoopFirstJoin: SQLExpression {
    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(DialectSQL.isPostgres(serializer) ? "INNER" : "CROSS")
    }
}

/// A JSON column's value as written: text on SQLite, `jsonb` on PostgreSQL (its `PostgresEncodable`
/// conformance is beside ``PostgresStore``).
public struct StoredJSON: Encodable, Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// An identifier quote that SQLKit writes around identifiers without scanning them for quotes to double.
///
/// SQLKit escapes an identifier only when the dialect's quote is an `SQLRaw`, with a generic
/// `replacing` over each name — a sixth of the server's time serving `GET /lead/{id}/` in a profile.
/// Every identifier Closr sends is a table or column name written in its own source (never a value
/// from a request: those are always bound), so none contains a quote and there is nothing to escape.
struct UncheckedIdentifierQuote: SQLExpression {
    let quote: String

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(quote)
    }
}
