import NIOCore
import PostgresNIO

/// A statement's values in PostgreSQL's text format, for statements prepared without declared types.
///
/// A statement prepared once per connection (``PostgresPreparedStatements``) is parsed without parameter
/// types: PostgreSQL infers each from where it stands (`"id" = $2` is text, `LIMIT $3` is bigint). Its
/// values must then be readable as whatever type was inferred, which the text format guarantees and the
/// binary one does not (an 8-byte integer sent where `integer` was inferred is refused). Only the kinds
/// of value Closr binds are written here; a statement holding any other kind (a `Double`, whose text a
/// `bigint` parameter would refuse) is not prepared.
enum PostgresTextBind {
    /// Every value of `binds` in text form, or `nil` if one of them is of a kind not handled here.
    static func bindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            guard append(bind, to: &bindings) else { return nil }
        }
        return bindings
    }

    private static func append(_ bind: Any, to bindings: inout PostgresBindings) -> Bool {
        switch bind {
        case let value as String: bindings.append(TextParameter(text: value))
        case let value as Int: bindings.append(TextParameter(text: String(value)))
        case let value as Int64: bindings.append(TextParameter(text: String(value)))
        case let value as Int32: bindings.append(TextParameter(text: String(value)))
        case let value as Bool: bindings.append(TextParameter(text: value ? "t" : "f"))
        case let value as StoredJSON: bindings.append(TextParameter(text: value.text))
        case let value as any OptionalBind:
            guard let wrapped = value.wrapped else {
                bindings.appendNull()
                return true
            }
            return append(wrapped, to: &bindings)
        default: return false
        }
        return true
    }
}

/// A value sent as text, for PostgreSQL to read as the type it inferred for its parameter. Its type is
/// "unspecified" (0): postgres-nio declares a prepared statement's parameters with its values' types,
/// and declaring them `text` would make `version >= $2` compare a bigint with text.
private struct TextParameter: PostgresNonThrowingEncodable {
    let text: String
    static var psqlType: PostgresDataType { PostgresDataType(0) }
    static var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeString(text)
    }
}

/// An optional value among a statement's binds (SQLKit binds `String?` and the like as they are).
private protocol OptionalBind {
    var wrapped: Any? { get }
}

extension Optional: OptionalBind {
    var wrapped: Any? { self.map { $0 } }
}
