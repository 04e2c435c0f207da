import PostgresKit
import PostgresNIO
import SQLKit

/// A PostgreSQL result row as SQLKit reads it, decoding through postgres-nio's own decoders.
///
/// postgres-kit's row decodes every value through a translation layer that first builds a coding path
/// (a string made from the column's name and position) for errors it might report — 3% of
/// `GET /lead/{id}/` in a profile, for values that are strings and integers. Here a value whose type
/// postgres-nio decodes (`String`, `Int64`, `Int`, `Bool`, …) is read from its cell directly; any
/// other type, or a value postgres-nio refuses, goes through postgres-kit's row as before.
struct PostgresSQLRow: SQLRow {
    private let row: PostgresRow
    private let columns: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.columns = row.makeRandomAccess()
    }

    var allColumns: [String] { columns.map(\.columnName) }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !columns.contains(column) || columns[column].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        if columns.contains(column), let decodable = T.self as? any PostgresDecodable.Type,
           let value = try? Self.decode(decodable, columns[column]) as? T {
            return value
        }
        return try row.sql().decode(column: column, as: T.self)
    }

    private static func decode<Value: PostgresDecodable>(_: Value.Type, _ cell: PostgresCell) throws -> Value {
        try cell.decode(Value.self)
    }
}
