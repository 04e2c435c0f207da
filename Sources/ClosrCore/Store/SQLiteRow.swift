import struct GRDB.DatabaseValue
import SQLKit

/// The column names of one result, with each name's position, shared by all of its rows.
final class SQLiteColumns: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        // The first column of a name wins, as in SQLite's own `sqlite3_column_name` lookups.
        self.positions = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One result row as SQLKit reads it: by column name, converted the way sqlite-kit did (integers to
/// integers or `Bool`, text to strings, either number to `Double`).
struct SQLiteRow: SQLRow {
    let columns: SQLiteColumns
    let values: [DatabaseValue]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        try value(column).isNull
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteValueDecoder.decode(D.self, from: value(column), column: column)
    }

    private func value(_ column: String) throws -> DatabaseValue {
        guard let position = columns.positions[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "No column named '\(column)' in this row")
            )
        }
        return values[position]
    }
}

/// Reads Swift values out of one SQLite value: the scalar types directly, anything else `Decodable`
/// (optionals, enums with raw values) through a single-value decoder.
struct SQLiteValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: DatabaseValue
    let column: String

    var codingPath: [any CodingKey] { [SQLiteColumnKey(column)] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<D: Decodable>(_ type: D.Type, from value: DatabaseValue, column: String) throws -> D {
        try SQLiteValueDecoder(value: value, column: column).decode(type)
    }

    func decode<D: Decodable>(_ type: D.Type) throws -> D {
        switch value.storage {
        case .string(let text):
            if let text = text as? D { return text }
        case .int64(let number):
            if let number = number as? D { return number }
            if D.self == Int.self, let number = Int(exactly: number) { return number as! D }
            if D.self == Bool.self { return (number != 0) as! D }
            if D.self == Double.self { return Double(number) as! D }
            if D.self == Int32.self, let number = Int32(exactly: number) { return number as! D }
        case .double(let number):
            if let number = number as? D { return number }
        case .blob(let bytes):
            if let bytes = bytes as? D { return bytes }
        case .null:
            break
        }
        if D.self == String.self || D.self == Int.self || D.self == Int64.self || D.self == Double.self || D.self == Bool.self {
            throw DecodingError.typeMismatch(D.self, .init(codingPath: codingPath, debugDescription: "Column '\(column)' holds \(value), not \(D.self)"))
        }
        return try D(from: self)
    }

    func decodeNil() -> Bool { value.isNull }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "Column '\(column)' is a single value"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "Column '\(column)' is a single value"))
    }
}

/// A column name as a coding key, for error messages.
struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
