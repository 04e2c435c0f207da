import ClosrModel

/// Close's Django-style date filters — `<column>__gt`, `__gte`, `__lt`, `__lte` (and, where a list
/// allows it, `<column>` itself for equality) — read the same way on every list: a value that is not a
/// date or date-time is a 400, never ignored.
public enum DateBounds {
    public struct Bound: Sendable {
        public let column: String
        public let comparison: LeadQuery.Comparison
        public let value: CloseTimestamp
        /// As given (a date-only value compares as a date on date columns).
        public let text: String
    }

    static let suffixes: [(suffix: String, comparison: LeadQuery.Comparison)] = [
        ("__gt", .greater), ("__gte", .greaterOrEqual), ("__lt", .less), ("__lte", .lessOrEqual),
    ]

    public static func parse(_ columns: [String], equality: Bool = false, _ parameter: (String) -> String?) throws -> [Bound] {
        var bounds: [Bound] = []
        for column in columns {
            for (suffix, comparison) in (equality ? [("", .equal)] : []) + suffixes {
                let name = column + suffix
                guard let text = parameter(name) else { continue }
                guard let value = CloseTimestamp(parsing: text) else {
                    throw CloseError.badRequest("\(name) must be an ISO 8601 date or datetime (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])")
                }
                bounds.append(Bound(column: column, comparison: comparison, value: value, text: text))
            }
        }
        return bounds
    }
}
