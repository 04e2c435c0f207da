import ClosrModel

/// A tool call's arguments, read by name with the type each must have. A missing required argument, a
/// wrong type or an unknown argument is a ``ToolError`` that names it, which the server returns as a
/// tool error result (the model reads it and tries again), never a crash.
struct ToolArguments: Sendable {
    let members: [String: JSONValue]

    init(_ members: [String: JSONValue], allowed: Set<String>) throws {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ToolError("Unknown argument \"\(unknown)\": this tool takes \(allowed.sorted().joined(separator: ", ")).")
        }
        self.members = members
    }

    func string(_ name: String, maxLength: Int = 10_000) throws -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard text.count <= maxLength else { throw ToolError("\"\(name)\" is longer than \(maxLength) characters.") }
            return text
        default: throw ToolError("\"\(name)\" must be a string.")
        }
    }

    func requiredString(_ name: String, maxLength: Int = 10_000) throws -> String {
        guard let text = try string(name, maxLength: maxLength), !text.isEmpty else { throw ToolError("\"\(name)\" is required.") }
        return text
    }

    /// An object id (`lead_…`): required, short, no path characters.
    func id(_ name: String = "id") throws -> String {
        let text = try requiredString(name, maxLength: 100)
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }) else {
            throw ToolError("\"\(name)\" is not an id.")
        }
        return text
    }

    func optionalID(_ name: String) throws -> String? {
        members[name] == nil || members[name] == .null ? nil : try id(name)
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        let number: Int
        switch members[name] {
        case nil, .null?: return nil
        case .int(let whole)?: number = whole
        case .double(let value)? where value == value.rounded() && abs(value) < 1e15: number = Int(value)
        default: throw ToolError("\"\(name)\" must be a whole number.")
        }
        guard range.contains(number) else { throw ToolError("\"\(name)\" must be from \(range.lowerBound) to \(range.upperBound).") }
        return number
    }

    /// A date range (`{"gte": "2026-01-01", "lt": "2026-02-01"}`, `start`/`end` for `gte`/`lte`) as the
    /// list's Django-style filters on `column` (`date_won__gte=2026-01-01`); the API judges the dates.
    func dateRange(_ name: String, column: String) throws -> [(String, String)] {
        switch members[name] {
        case nil, .null?: return []
        case .object(let bounds)?:
            guard !bounds.isEmpty else { throw ToolError("\"\(name)\" needs at least one of gte, gt, lte, lt (or start, end).") }
            var used: Set<String> = []
            return try bounds.map { bound, value in
                let comparison = ["start": "gte", "end": "lte"][bound] ?? bound
                guard ["gte", "gt", "lte", "lt"].contains(comparison) else {
                    throw ToolError("\"\(name).\(bound)\" is not a bound: use gte, gt, lte, lt, start or end.")
                }
                guard case .string(let date) = value, !date.isEmpty, date.count <= 40 else {
                    throw ToolError("\"\(name).\(bound)\" must be a date (2026-12-24) or an ISO 8601 date-time.")
                }
                // start is gte and end is lte: giving both spellings of one bound is ambiguous.
                guard used.insert(comparison).inserted else { throw ToolError("\"\(name)\" gives the \(comparison) bound twice.") }
                return ("\(column)__\(comparison)", date)
            }
        default: throw ToolError("\"\(name)\" must be an object such as {\"gte\": \"2026-01-01\", \"lt\": \"2026-02-01\"}.")
        }
    }

    func bool(_ name: String) throws -> Bool? {
        switch members[name] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw ToolError("\"\(name)\" must be true or false.")
        }
    }

    /// A list argument's elements, each an object (`emails`, `contacts`).
    func objects(_ name: String, max: Int = 100) throws -> [JSONValue]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            guard values.count <= max else { throw ToolError("\"\(name)\" has more than \(max) entries.") }
            guard values.allSatisfy({ $0.objectMembers != nil }) else { throw ToolError("\"\(name)\" must be a list of objects.") }
            return values
        default: throw ToolError("\"\(name)\" must be a list.")
        }
    }

    /// A list of strings (ids, type names), at most 100.
    func strings(_ name: String) throws -> [String]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            guard values.count <= 100 else { throw ToolError("\"\(name)\" has more than 100 entries.") }
            return try values.map { value in
                guard case .string(let text) = value, text.count <= 100 else { throw ToolError("\"\(name)\" must be a list of strings.") }
                return text
            }
        default: throw ToolError("\"\(name)\" must be a list.")
        }
    }

    /// `custom_fields`: `[{"id": "cf_…", "value": …}]` as Close's MCP takes them, as `custom.<id>` members.
    func customFields() throws -> [(String, JSONValue)] {
        try (objects("custom_fields") ?? []).map { entry in
            guard case .string(let id)? = entry["id"], id.hasPrefix("cf_") else { throw ToolError("Each of \"custom_fields\" needs an \"id\" (cf_…).") }
            return ("custom.\(id)", entry["value"] ?? .null)
        }
    }

    /// The named arguments that were given, to pass on as they are; null counts as not given (Close's
    /// MCP: "only fields that are provided, and not None, are updated").
    func passing(_ names: [String]) -> [(String, JSONValue)] {
        names.compactMap { name in members[name].flatMap { $0 == .null ? nil : (name, $0) } }
    }
}

/// A tool call the model got wrong, or the API refused: returned as a tool error result.
struct ToolError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
