import Foundation
import struct GRDB.DatabaseValue
import protocol GRDB.DatabaseValueConvertible

/// SQLKit's bound values as SQLite values: strings, integers, doubles, booleans (as 0 and 1), data,
/// ``StoredJSON`` (as its text) and `nil`; anything else `Encodable` that encodes one such value, such
/// as an enum with a raw value. A value that encodes as several (an array, an object) is refused:
/// Closr binds JSON as ``StoredJSON`` text, never as a Swift collection.
enum SQLiteBinds {
    static func values(_ binds: [any Encodable & Sendable]) throws -> [DatabaseValue] {
        try binds.map(value)
    }

    static func value(_ bind: any Encodable) throws -> DatabaseValue {
        switch bind {
        case let text as String: return text.databaseValue
        case let number as Int64: return number.databaseValue
        case let number as Int: return number.databaseValue
        case let flag as Bool: return flag.databaseValue
        case let json as StoredJSON: return json.text.databaseValue
        case let number as Double: return number.databaseValue
        case let data as Data: return data.databaseValue
        default:
            let encoder = SQLiteValueEncoder()
            try bind.encode(to: encoder)
            return encoder.value ?? .null
        }
    }
}

/// Captures the one value an `Encodable` writes into a single-value container.
private final class SQLiteValueEncoder: Encoder, SingleValueEncodingContainer {
    var value: DatabaseValue?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RefusedContainer<Key>())
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { RefusedContainer<SQLiteColumnKey>() }

    func encodeNil() throws { value = .null }
    func encode(_ value: Bool) throws { self.value = value.databaseValue }
    func encode(_ value: String) throws { self.value = value.databaseValue }
    func encode(_ value: Double) throws { self.value = value.databaseValue }
    func encode(_ value: Float) throws { self.value = Double(value).databaseValue }
    func encode(_ value: Int) throws { self.value = value.databaseValue }
    func encode(_ value: Int8) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: Int16) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: Int32) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: Int64) throws { self.value = value.databaseValue }
    func encode(_ value: UInt) throws { self.value = try Self.integer(value) }
    func encode(_ value: UInt8) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: UInt16) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: UInt32) throws { self.value = Int64(value).databaseValue }
    func encode(_ value: UInt64) throws { self.value = try Self.integer(value) }
    func encode<T: Encodable>(_ value: T) throws { self.value = try SQLiteBinds.value(value) }

    private static func integer(_ value: some BinaryInteger) throws -> DatabaseValue {
        guard let number = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) does not fit in SQLite's 64-bit integers"))
        }
        return number.databaseValue
    }
}

/// A keyed or unkeyed container whose every use fails: a bound value must be a single value.
private struct RefusedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }

    private func refuse() throws -> Never {
        throw EncodingError.invalidValue((), .init(codingPath: [], debugDescription: "A bound SQLite value must be a single value, not a collection"))
    }

    mutating func encodeNil(forKey key: Key) throws { try refuse() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try refuse() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { SQLiteValueEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SQLiteValueEncoder() }
    mutating func encodeNil() throws { try refuse() }
    mutating func encode<T: Encodable>(_ value: T) throws { try refuse() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
}
