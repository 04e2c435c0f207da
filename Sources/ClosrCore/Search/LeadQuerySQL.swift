import ClosrModel
import Foundation
import SQLKit

/// Compiles a ``LeadQuery`` into conditions on a select over `leads` — the same SQL for SQLite and
/// PostgreSQL. Values are always bound, never spliced into the text.
enum LeadQuerySQL {
    /// `driver`: the search's rarest word (``LeadSearchDriver``), when `select` already starts from its
    /// candidates; without one every word is looked up in the index.
    static func apply(
        _ query: LeadQuery, to select: SQLSelectBuilder, directory: CRMDirectory, db: TenantDatabase, driver: LeadSearchDriver? = nil
    ) throws -> SQLSelectBuilder {
        var select = select
        for clause in query.clauses {
            switch clause {
            case .text:
                break  // every word at once, below
            case .match(.name, let value, let negated):
                select = select.where(CaseInsensitiveLike(value: SQLColumn("name", table: "leads"), pattern: CaseInsensitiveLike.contains(value), negated: negated))
            case .match(.id, let value, let negated):
                select = select.where(SQLColumn("id", table: "leads"), negated ? .notEqual : .equal, SQLBind(value))
            case .match(.status, let label, let negated):
                let ids = directory.statuses.values
                    .filter { $0.kind == .lead && $0.label.lowercased() == label.lowercased() }.map(\.id)
                select = select.where(SQLColumn("status_id", table: "leads"), negated ? .notIn : .in, SQLBind.group(ids.isEmpty ? [""] : ids))
            case .match(.email, let email, let negated):
                // The whole address, any case: no wildcard in the pattern.
                let contacts = db.subquery(selecting: "lead_id", from: .contacts) { builder in
                    builder.where(JSONArrayMemberLike(column: SQLColumn("emails", table: "contacts"), key: "email", pattern: CaseInsensitiveLike.escaped(email)))
                }
                select = select.where(SQLColumn("id", table: "leads"), negated ? .notIn : .in, contacts)
            case .custom(let name, let value, let negated):
                // By id, or by name in any case; the whole value in any case, as with `email:`.
                let fields = directory.customFields["lead"] ?? []
                guard let field = fields.first(where: { $0.id == name })
                    ?? fields.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                    throw CloseError.badRequest("Invalid query: no lead custom field is named '\(name)'")
                }
                select = select.where(JSONObjectMemberLike(
                    column: SQLColumn("custom", table: "leads"), key: field.id, pattern: CaseInsensitiveLike.escaped(value), negated: negated
                ))
            case .date(let field, let comparison, let time):
                select = select.where(SQLColumn(field.rawValue, table: "leads"), sqlOperator(comparison), SQLBind(time.microseconds))
            }
        }
        // The words in a name or description, or in a contact's name, email address or phone number —
        // the values themselves, never the JSON around them (`office` is a type) — found through the
        // search index (``LeadSearchIndex``): a lead whose documents hold every word and none of the
        // excluded ones.
        let (words, excluded) = words(of: query)
        if let driver {
            // The select starts from the rarest word's leads; each other word, and the excluded ones, are
            // checked in those leads' documents.
            func documents(holding words: [LeadSearchQuery], negated: Bool = false) -> any SQLExpression {
                db.exists(in: .leadSearchDocs, negated: negated) { documents in
                    documents.where(SQLColumn("lead_id", table: "lead_search_docs"), .equal, SQLColumn("id", table: "leads"))
                        .where { any in words.reduce(any) { $0.orWhere(LeadSearchDocumentHolds(query: $1)) } }
                }
            }
            for word in words where word != driver.word { select = select.where(documents(holding: [word])) }
            if !excluded.isEmpty { select = select.where(documents(holding: excluded, negated: true)) }
            return select
        }
        // Without a driver, each word is one arm of an intersection of lead ids, the excluded ones one
        // lookup.
        if !words.isEmpty {
            let matching = db.intersection(selecting: "lead_id", from: .leadSearchDocs, words.map { LeadSearchContains(queries: [$0]) })
            select = select.where(SQLColumn("id", table: "leads"), .in, matching)
        }
        if !excluded.isEmpty {
            let matching = db.subquery(selecting: "lead_id", from: .leadSearchDocs) { $0.where(LeadSearchContains(queries: excluded)) }
            select = select.where(SQLColumn("id", table: "leads"), .notIn, matching)
        }
        return select
    }

    /// The query's words and its excluded words, each once, as the index reads them.
    static func words(of query: LeadQuery) -> (words: [LeadSearchQuery], excluded: [LeadSearchQuery]) {
        var words: [LeadSearchQuery] = []
        var excluded: [LeadSearchQuery] = []
        for case .text(let text, let negated) in query.clauses {
            let word = LeadSearchQuery(text)
            if negated {
                if !excluded.contains(word) { excluded.append(word) }
            } else if !words.contains(word) {
                words.append(word)
            }
        }
        return (words, excluded)
    }

    /// Orders by the query's `sort:` clauses, newest first by default, with the id as tie-breaker so
    /// that pages never overlap.
    static func order(_ query: LeadQuery, _ select: SQLSelectBuilder) -> SQLSelectBuilder {
        var select = select
        let sorts = query.sort.isEmpty ? [(field: LeadQuery.SortField.dateCreated, descending: true)] : query.sort
        for sort in sorts {
            select = select.orderBy(
                SQLColumn(sort.field == .name ? "name" : sort.field.rawValue, table: "leads"),
                sort.descending ? SQLDirection.descending : SQLDirection.ascending
            )
        }
        return select.orderBy(SQLColumn("id", table: "leads"), sorts.last?.descending == true ? SQLDirection.descending : SQLDirection.ascending)
    }

    /// For a list ordered by creation date alone (the default, or `sort:created`), whether it runs newest
    /// first; nil for any other order.
    static func creationOrder(_ query: LeadQuery) -> Bool? {
        if query.sort.isEmpty { return true }
        guard query.sort.count == 1, query.sort[0].field == .dateCreated else { return nil }
        return query.sort[0].descending
    }

    /// The leads that come after `bookmark` in a list by creation date (then id), as a row-value
    /// comparison, which SQLite and PostgreSQL both turn into a seek in the list's index (the same test
    /// spelled with `OR` made SQLite walk the index up to the bookmark).
    static func after(_ bookmark: LeadBookmarks.Bookmark, descending: Bool, _ select: SQLSelectBuilder) -> SQLSelectBuilder {
        select.where(
            SQLGroupExpression([SQLColumn("date_created", table: "leads"), SQLColumn("id", table: "leads")]),
            descending ? .lessThan : .greaterThan,
            SQLGroupExpression([SQLBind(bookmark.dateCreated), SQLBind(bookmark.id)])
        )
    }

    static func sqlOperator(_ comparison: LeadQuery.Comparison) -> SQLBinaryOperator {
        switch comparison {
        case .greater: return .greaterThan
        case .greaterOrEqual: return .greaterThanOrEqual
        case .less: return .lessThan
        case .lessOrEqual: return .lessThanOrEqual
        case .equal: return .equal
        }
    }
}
