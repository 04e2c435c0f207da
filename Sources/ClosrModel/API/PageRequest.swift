/// Close's paging and field selection on a list: `_skip`, `_limit` and `_fields` (close-api.md §1.5, §1.6),
/// one type for both sides — the server parses a request's query into it, a client writes it into one —
/// so the rules (whole numbers, the minimums, field names split on commas) are stated once.
public struct PageRequest: Sendable, Equatable {
    public var skip: Int
    /// nil: the list's default.
    public var limit: Int?
    /// The top-level members to keep on each object (`custom.<id>` for one custom value); nil for all.
    public var fields: [String]?

    public init(skip: Int = 0, limit: Int? = nil, fields: [String]? = nil) {
        self.skip = skip
        self.limit = limit
        self.fields = fields
    }

    /// The query parameters a client sends.
    public var queryItems: [(String, String)] {
        var items = [("_skip", String(skip))]
        if let limit { items.append(("_limit", String(limit))) }
        if let fields, !fields.isEmpty { items.append(("_fields", fields.joined(separator: ","))) }
        return items
    }

    /// Reads `_skip`, `_limit` and `_fields` from a request's query. A `_limit` above `maxLimit` is
    /// clamped rather than refused (a 400 there stops Airbyte streams; clients page on while `has_more`);
    /// a `_skip` past `maxSkip` is refused naming the cap in the two forms connectors look for
    /// (close-api-more.md §A.5): Airbyte's "less than or equal to" and tap-closeio's "max_skip = ".
    public init(parameter: (String) -> String?, defaultLimit: Int = 100, maxLimit: Int = 1000, maxSkip: Int? = nil) throws {
        skip = try Self.integer(parameter("_skip"), name: "_skip", minimum: 0) ?? 0
        limit = min(try Self.integer(parameter("_limit"), name: "_limit", minimum: 1) ?? defaultLimit, maxLimit)
        fields = Self.fields(parameter("_fields"))
        if let maxSkip, skip > maxSkip {
            throw CloseError.badRequest(
                "_skip must be less than or equal to \(maxSkip) (max_skip = \(maxSkip)); page deeper by narrowing date_created instead"
            )
        }
    }

    /// `id, name,contacts` → `["id", "name", "contacts"]`; nil when none are named.
    public static func fields(_ text: String?) -> [String]? {
        let names = (text ?? "").split(separator: ",").map { String($0).trimmedOfSpaces }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }

    private static func integer(_ text: String?, name: String, minimum: Int) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw CloseError.badRequest("\(name) must be a whole number of at least \(minimum)")
        }
        return value
    }
}

private extension String {
    var trimmedOfSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
