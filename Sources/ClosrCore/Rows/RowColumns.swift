import ClosrModel
import SQLKit

/// One result row's columns, read by name with the driver's own conversions.
///
/// The CRM rows used to go through SQLKit's Codable `SQLRowDecoder`, which builds a decoding container
/// per row and boxes every optional column in a decoder of its own: a quarter of the time of listing
/// leads in profiles. Reading each column directly keeps the row structs plain and the cost per column
/// to one dictionary look-up and one conversion.
struct RowColumns {
    let row: any SQLRow

    func string(_ column: String) throws -> String {
        try row.decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
    }

    func int64(_ column: String) throws -> Int64 {
        try row.decode(column: column, as: Int64.self)
    }

    func int(_ column: String) throws -> Int {
        try row.decode(column: column, as: Int.self)
    }

    func optionalInt(_ column: String) throws -> Int? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: Int.self)
    }

    /// A JSON text column, parsed; unreadable text reads as `fallback`.
    func json(_ column: String, fallback: JSONValue) throws -> JSONValue {
        guard !(try row.decodeNil(column: column)) else { return fallback }
        return (try? JSONValue(parsing: Array(try string(column).utf8))) ?? fallback
    }
}

/// A row type that reads itself from a result row.
protocol ColumnDecodable: Sendable {
    init(_ columns: RowColumns) throws
}

extension SQLQueryFetcher {
    /// Every result row as `Row`.
    func all<Row: ColumnDecodable>(_ type: Row.Type) async throws -> [Row] {
        try await all().map { try Row(RowColumns(row: $0)) }
    }

    /// The first result row as `Row`, if any.
    func first<Row: ColumnDecodable>(_ type: Row.Type) async throws -> Row? {
        try await first().map { try Row(RowColumns(row: $0)) }
    }
}

/// Positional values of a row that the database aggregated into a JSON array (see ``LeadGraph``).
struct JSONRowValues {
    private let values: [JSONValue]
    private var index = 0

    init(_ value: JSONValue) {
        if case .array(let values) = value { self.values = values } else { self.values = [] }
    }

    private mutating func next() -> JSONValue {
        defer { index += 1 }
        return index < values.count ? values[index] : .null
    }

    mutating func string() -> String { next().text ?? "" }
    mutating func optionalString() -> String? { next().text }
    mutating func optionalInt() -> Int? {
        if case .int(let value) = next() { return value }
        return nil
    }
    mutating func int() -> Int { optionalInt() ?? 0 }
    mutating func int64() -> Int64 { Int64(int()) }
    mutating func array() -> [JSONValue] {
        if case .array(let values) = next() { return values }
        return []
    }
    mutating func object() -> JSONValue {
        let value = next()
        return value.objectMembers == nil ? .object([]) : value
    }
}
