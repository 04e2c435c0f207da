import ClosrModel
import SQLKit

/// The candidates of a search of several words: the leads whose documents hold its rarest word, read
/// from the index, when one of its words is rare enough. The list then starts from those leads
/// (``candidates(in:)``) and checks the other words in their own documents
/// (``LeadSearchDocumentHolds``), without looking them up in the index.
///
/// Why: the lead list's words are ANDed across a lead's documents (the name in one, an email address
/// in another), so without a driver each word is one arm of an intersection of lead ids, and a word in
/// most documents — `person`, `example`, or any short prefix — makes its arm list a million ids. A
/// five-word search at a million leads ran past the two-second deadline that way. With a driver, its
/// cost is that of its rarest word, plus a few checks per candidate.
public struct LeadSearchDriver: Sendable {
    /// The word whose index entries choose the candidates.
    let word: LeadSearchQuery

    /// A word found in more documents than this is not rare enough to drive: checking each of its
    /// candidates would cost more than the intersection. (Tests set it lower to reach the intersection.)
    public static let defaultCapacity = 2500
    /// How many words are asked, the most specific first (``LeadSearchQuery/specificity``), before the
    /// search falls back to the intersection: asking the index about a common prefix is itself costly.
    static let attempts = 3

    /// The driver of `query`'s words, or nil when it needs none (one word and nothing excluded, or
    /// only excluded words) or none of its most specific words is rare enough.
    static func find(for query: LeadQuery, in db: TenantDatabase, capacity: Int) async throws -> LeadSearchDriver? {
        let (words, excluded) = LeadQuerySQL.words(of: query)
        guard !words.isEmpty, words.count + excluded.count >= 2 else { return nil }
        if let empty = words.first(where: { $0.tokens.isEmpty }) {
            return LeadSearchDriver(word: empty)  // a word without letters or digits matches nothing
        }
        for word in words.sorted(by: { $0.specificity > $1.specificity }).prefix(attempts) {
            let documents = try await db.select(from: .leadSearchDocs, source: LeadSearchIndexScan.source)
                .column(SQLColumn("lead_id", table: "lead_search_docs"))
                .where(LeadSearchIndexScan(query: word))
                .limit(capacity + 1)
                .all()
            if documents.count <= capacity { return LeadSearchDriver(word: word) }
        }
        return nil
    }

    /// `SELECT DISTINCT lead_id AS id …`: the leads with a document that holds ``word``, for
    /// ``TenantDatabase/select(from:idsFrom:of:)`` (which scopes it to the organization).
    func candidates(in db: TenantDatabase) -> SQLSelectBuilder {
        db.select(from: .leadSearchDocs, source: LeadSearchIndexScan.source)
            .distinct()
            .column(SQLColumn("lead_id", table: "lead_search_docs"), as: "id")
            .where(word.tokens.isEmpty ? SQLRaw("1 = 0") : LeadSearchIndexScan(query: word))
    }
}

/// The documents that hold a word, read in the index's order so that a `LIMIT` stops the reading:
/// SQLite joins from the FTS5 table to the documents (`lead_search CROSS JOIN lead_search_docs`, the
/// order fixed: with `doc_id IN (SELECT rowid …)` it gathered every match first); PostgreSQL reads the
/// GIN index as the condition says.
struct LeadSearchIndexScan: SQLExpression {
    let query: LeadSearchQuery

    /// The `FROM` of a select over the documents by index.
    static let source: any SQLExpression = Source()

    private struct Source: SQLExpression {
        func serialize(to serializer: inout SQLSerializer) {
            if DialectSQL.isPostgres(serializer) {
                serializer.write("lead_search_docs")
            } else {
                serializer.write("lead_search CROSS JOIN lead_search_docs ON lead_search_docs.doc_id = lead_search.rowid")
            }
        }
    }

    func serialize(to serializer: inout SQLSerializer) {
        if DialectSQL.isPostgres(serializer) {
            LeadSearchWordsMatch(tsquery: query.tsquery).serialize(to: &serializer)
        } else {
            serializer.write("lead_search MATCH ")
            serializer.write(bind: query.fts5)
        }
    }
}
