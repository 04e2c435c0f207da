import Testing

@testable import ClosrModel

/// The lead query language's parser, on the queries real clients send (close-api.md §5, §15.3).
@Suite struct LeadQueryTests {
    @Test func tapCloseioQuery() throws {
        let query = try LeadQuery(parsing: #"date_updated>="2024-01-01T00:00" sort:date_updated"#)
        #expect(query.clauses == [.date(.dateUpdated, .greaterOrEqual, CloseTimestamp(parsing: "2024-01-01T00:00")!)])
        #expect(query.sort.map(\.field) == [.dateUpdated] && query.sort.map(\.descending) == [false])
    }

    @Test func airbyteQuery() throws {
        let query = try LeadQuery(parsing: "sort:updated date_updated >= 2024-01-01T00:00:00+00:00")
        #expect(query.clauses == [.date(.dateUpdated, .greaterOrEqual, CloseTimestamp(parsing: "2024-01-01T00:00:00+00:00")!)])
        #expect(query.sort.first?.field == .dateUpdated)
        let window = try LeadQuery(parsing: "sort:updated date_updated > 2024-01-01 date_updated <= 2024-02-01")
        #expect(window.clauses.count == 2)
    }

    @Test func fieldsWordsQuotesAndNegation() throws {
        let query = try LeadQuery(parsing: #"name:"Acme Inc" status:Potential -status:"Bad Fit" not email:a@b.example rockets "big deal" sort:-created"#)
        #expect(query.clauses == [
            .match(.name, "Acme Inc", negated: false), .match(.status, "Potential", negated: false),
            .match(.status, "Bad Fit", negated: true), .match(.email, "a@b.example", negated: true),
            .text("rockets", negated: false), .text("big deal", negated: false),
        ])
        #expect(query.sort.first?.field == .dateCreated && query.sort.first?.descending == true)
        #expect(try LeadQuery(parsing: "company:Acme").clauses == [.match(.name, "Acme", negated: false)])
        #expect(try LeadQuery(parsing: "  ").clauses.isEmpty)
    }

    /// The closeio README's form: a custom field by id (its case kept) or name, a quoted value.
    @Test func customFieldClausesKeepTheFieldAsWritten() throws {
        #expect(try LeadQuery(parsing: #"custom.cf_AbC9:"some value" not custom.Industry:Software"#).clauses == [
            .custom("cf_AbC9", "some value", negated: false), .custom("Industry", "Software", negated: true),
        ])
    }

    @Test(arguments: ["foo:bar", #"name:"open"#, "created > yesterday", "sort:color", "a or b", "custom.:1", "custom.cf_x:", "name:", "not"])
    func unsupportedOrBrokenQueriesAreRefused(_ text: String) {
        #expect(throws: CloseError.self) { try LeadQuery(parsing: text) }
    }
}
