import Foundation

/// The lead search language of `GET /lead/?query=` (close-api.md §15.3), parsed into clauses that are
/// all ANDed. This first version covers what real clients send: `name:`, `status:`, `email_address:`
/// (or `email:`), `id:`, bare words, `date_created`/`date_updated` (or `created`/`updated`) with
/// `> >= < <= =`, a leading `-` or `not` to negate, and `sort:`. Anything else is a 400 that says so.
public struct LeadQuery: Sendable, Equatable {
    public enum Clause: Sendable, Equatable {
        /// Free text over names, descriptions, contact names, emails and phones.
        case text(String, negated: Bool)
        /// `field:value` with a field of ``Field``.
        case match(Field, String, negated: Bool)
        /// `date_created > 2024-01-01` and the like.
        case date(DateField, Comparison, CloseTimestamp)
        /// `custom.<field>:value`: a custom field, named by its id or its name (as written), holding the
        /// value, or for a field of several values holding it among them.
        case custom(String, String, negated: Bool)
    }

    public enum Field: String, Sendable {
        case name, status, email, id
    }

    public enum DateField: String, Sendable {
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public enum Comparison: String, Sendable {
        case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "="
    }

    public enum SortField: String, Sendable {
        case dateCreated = "date_created", dateUpdated = "date_updated", name
    }

    public var clauses: [Clause] = []
    public var sort: [(field: SortField, descending: Bool)] = []

    public init() {}

    public static func == (lhs: LeadQuery, rhs: LeadQuery) -> Bool {
        lhs.clauses == rhs.clauses && lhs.sort.map { "\($0.field)\($0.descending)" } == rhs.sort.map { "\($0.field)\($0.descending)" }
    }

    static let fieldNames: [String: Field] = [
        "name": .name, "company": .name, "lead_name": .name, "display_name": .name,
        "status": .status, "lead_status": .status, "status_label": .status,
        "email": .email, "email_address": .email, "id": .id, "lead_id": .id,
    ]
    static let dateNames: [String: DateField] = [
        "date_created": .dateCreated, "created": .dateCreated, "date_updated": .dateUpdated, "updated": .dateUpdated,
    ]
    static let sortNames: [String: SortField] = [
        "date_created": .dateCreated, "created": .dateCreated, "date_updated": .dateUpdated, "updated": .dateUpdated,
        "name": .name, "display_name": .name,
    ]

    /// Adds `_order_by` (`field` or `-field`, comma-separated) as the sort, unless the query has its own
    /// `sort:`, which wins as it does in Close.
    public mutating func order(by parameter: String) throws(CloseError) {
        guard sort.isEmpty else { return }
        for item in parameter.split(separator: ",") {
            let descending = item.hasPrefix("-")
            let name = String(descending ? item.dropFirst() : item).lowercased()
            guard let field = Self.sortNames[name] else {
                throw CloseError.badRequest("Cannot order leads by '\(name)'; use date_created, date_updated or name, with - for descending.")
            }
            // A field already sorted on cannot change the order again; repeating it only made SQL longer.
            if !sort.contains(where: { $0.field == field }) { sort.append((field, descending)) }
        }
    }

    /// At most this many terms (words, phrases, field and date clauses) in one query: each is a
    /// condition the database evaluates for every candidate lead, and about 950 made SQLite refuse
    /// the statement ("Expression tree is too large") as a 500.
    public static let maxTerms = 50
    /// At most this many bytes of query text, checked before it is read.
    public static let maxLength = 4096

    /// Parses a query string; empty or blank means "every lead".
    public init(parsing text: String) throws(CloseError) {
        guard text.utf8.count <= Self.maxLength else {
            throw Self.invalid("the query is \(text.utf8.count) bytes long; the limit is \(Self.maxLength)")
        }
        var tokens = try QueryTokenizer.tokens(text)[...]
        while let token = tokens.popFirst() {
            var negated = false
            var token = token
            if case .word(let word) = token, word.lowercased() == "not" || word.lowercased() == "and" {
                negated = word.lowercased() == "not"
                guard let next = tokens.popFirst() else { throw Self.invalid("'\(word)' needs something after it") }
                token = next
            }
            guard case .word(var word) = token else {
                if case .quoted(let phrase) = token {
                    clauses.append(.text(phrase, negated: negated))
                    continue
                }
                throw Self.invalid("unexpected '\(token)'")
            }
            if word.hasPrefix("-"), word.count > 1 {
                negated.toggle()
                word.removeFirst()
            }
            let lower = word.lowercased()
            if lower == "or" || word == "(" || word == ")" {
                throw Self.invalid("'or' and parentheses are not supported yet; use separate queries")
            }
            // date comparison: field op value, with or without spaces
            if let (name, comparison, rest) = Self.splitComparison(word) {
                var value = rest
                if value.isEmpty, let next = tokens.popFirst() {
                    switch next {
                    case .word(let text), .quoted(let text): value = text
                    }
                }
                try addDate(name: name, comparison: comparison, value: value)
                continue
            }
            // field:value (the value may be the next, quoted token)
            if let colon = word.firstIndex(of: ":") {
                let written = String(word[..<colon])
                var value = String(word[word.index(after: colon)...])
                if value.isEmpty, case .quoted(let quoted)? = tokens.first {
                    value = quoted
                    tokens.removeFirst()
                }
                try addFieldClause(name: written.lowercased(), written: written, value: value, negated: negated)
                continue
            }
            if Self.dateNames[lower] != nil, case .word(let op)? = tokens.first, let comparison = Comparison(rawValue: op) {
                tokens.removeFirst()
                guard let next = tokens.popFirst() else { throw Self.invalid("'\(word) \(op)' needs a date") }
                switch next {
                case .word(let text), .quoted(let text): try addDate(name: lower, comparison: comparison, value: text)
                }
                continue
            }
            clauses.append(.text(word, negated: negated))
            guard clauses.count <= Self.maxTerms else {
                throw Self.invalid("the query has more than \(Self.maxTerms) terms")
            }
        }
    }

    /// `name` is the field lowercased; `written` keeps its case, which a custom field's id needs.
    private mutating func addFieldClause(name: String, written: String, value: String, negated: Bool) throws(CloseError) {
        if name == "sort" {
            var field = value
            let descending = field.hasPrefix("-")
            if descending { field.removeFirst() }
            guard let sortField = Self.sortNames[field.lowercased()] else {
                throw Self.invalid("cannot sort by '\(field)'; use created, updated or name")
            }
            if !sort.contains(where: { $0.field == sortField }) { sort.append((sortField, descending)) }
        } else if let field = Self.fieldNames[name] {
            guard !value.isEmpty else { throw Self.invalid("'\(name):' needs a value") }
            clauses.append(.match(field, value, negated: negated))
        } else if name.hasPrefix("custom.") {
            let field = String(written.dropFirst("custom.".count))
            guard !field.isEmpty else { throw Self.invalid("'custom.' needs a field's id or name") }
            guard !value.isEmpty else { throw Self.invalid("'\(written):' needs a value") }
            clauses.append(.custom(field, value, negated: negated))
        } else {
            throw Self.invalid("unknown field '\(name)'")
        }
    }

    private mutating func addDate(name: String, comparison: Comparison, value: String) throws(CloseError) {
        guard let field = Self.dateNames[name.lowercased()] else { throw Self.invalid("cannot compare '\(name)'") }
        guard let time = CloseTimestamp(parsing: value) else {
            throw Self.invalid("'\(value)' is not a date; use YYYY-MM-DD or an ISO 8601 datetime")
        }
        clauses.append(.date(field, comparison, time))
    }

    /// `date_updated>=2024-01-01` → ("date_updated", >=, "2024-01-01"); also with the value missing.
    private static func splitComparison(_ word: String) -> (String, Comparison, String)? {
        for op in [">=", "<=", ">", "<", "="] {
            if let range = word.range(of: op) {
                let name = String(word[..<range.lowerBound])
                guard dateNames[name.lowercased()] != nil, let comparison = Comparison(rawValue: op) else { return nil }
                return (name, comparison, String(word[range.upperBound...]).trimmingQuotes)
            }
        }
        return nil
    }

    static func invalid(_ detail: String) -> CloseError {
        CloseError.badRequest("Invalid query: \(detail)")
    }
}

/// Splits a query into words and quoted phrases; a quote inside a word (`name:"Acme Inc"`) joins the
/// phrase to the word.
enum QueryTokenizer {
    enum Token: Sendable, Equatable, CustomStringConvertible {
        case word(String)
        case quoted(String)

        var description: String {
            switch self {
            case .word(let text): return text
            case .quoted(let text): return "\"\(text)\""
            }
        }
    }

    static func tokens(_ text: String) throws(CloseError) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var quoted: String?
        var wordHadQuote = false
        func flush() {
            if !current.isEmpty { tokens.append(wordHadQuote && !current.contains(":") ? .quoted(current) : .word(current)) }
            current = ""
            wordHadQuote = false
        }
        for character in text {
            if var phrase = quoted {
                if character == "\"" {
                    current += phrase
                    quoted = nil
                    wordHadQuote = true
                } else {
                    phrase.append(character)
                    quoted = phrase
                }
            } else if character == "\"" {
                quoted = ""
            } else if character.isWhitespace {
                flush()
            } else {
                current.append(character)
            }
        }
        guard quoted == nil else { throw LeadQuery.invalid("a quote is not closed") }
        flush()
        return tokens
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        var text = Substring(self)
        if text.hasPrefix("\"") { text = text.dropFirst() }
        if text.hasSuffix("\"") { text = text.dropLast() }
        return String(text)
    }
}
