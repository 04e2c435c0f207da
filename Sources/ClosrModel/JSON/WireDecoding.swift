/// Reading wire types back from the JSON the server writes: the client's half of "one representation".
///
/// A wire type writes itself member by member (``JSONWritable``); it reads itself the same way, from a
/// ``WireObject`` over the parsed members, in ``WireDecodable/init(wire:)`` beside its writer, so the two
/// lists of members sit together and a test can hold them to each other (the server's JSON, decoded and
/// written again, is the same JSON). Members the server derives (`display_name`, `value_formatted`,
/// `html_url`) are written, not read. `Decodable` follows, so `JSONDecoder` reads every wire type.
public protocol WireDecodable: Decodable {
    init(wire: WireObject) throws
}

extension WireDecodable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        self = try Self(wire: WireObject(value, codingPath: decoder.codingPath))
    }

    /// Reads one object from JSON text with Closr's own parser, which keeps members in their order.
    public init(json bytes: [UInt8]) throws {
        self = try Self(wire: WireObject(JSONValue(parsing: bytes), codingPath: []))
    }
}

/// An object's members, read by name with the type each must have; a missing or mistyped member is a
/// `DecodingError` that names it.
public struct WireObject: Sendable {
    /// The members in the order the JSON gave them (custom fields and an activity's own members keep it).
    public let members: [(String, JSONValue)]
    private let index: [String: JSONValue]
    let codingPath: [any CodingKey]

    public init(_ value: JSONValue, codingPath: [any CodingKey] = []) throws {
        guard let members = value.objectMembers else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self, .init(codingPath: codingPath, debugDescription: "Expected a JSON object")
            )
        }
        self.members = members
        self.index = Dictionary(members, uniquingKeysWith: { first, _ in first })
        self.codingPath = codingPath
    }

    private func mismatch<T>(_ key: String, _ type: T.Type, _ what: String) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath + [JSONKey(key)], debugDescription: "Expected \(what) for \"\(key)\""))
    }

    /// The member's value; `.null` when absent.
    public func value(_ key: String) -> JSONValue { index[key] ?? .null }

    public func string(_ key: String) throws -> String {
        guard case .string(let text)? = index[key] else { throw mismatch(key, String.self, "a string") }
        return text
    }

    public func optionalString(_ key: String) throws -> String? {
        switch index[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw mismatch(key, String.self, "a string or null")
        }
    }

    public func int(_ key: String) throws -> Int {
        guard let value = try optionalInt(key) else { throw mismatch(key, Int.self, "a whole number") }
        return value
    }

    public func optionalInt(_ key: String) throws -> Int? {
        switch index[key] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number == number.rounded() && abs(number) < 9e15: return Int(number)
        default: throw mismatch(key, Int.self, "a whole number or null")
        }
    }

    public func bool(_ key: String) throws -> Bool {
        guard case .bool(let flag)? = index[key] else { throw mismatch(key, Bool.self, "true or false") }
        return flag
    }

    public func optionalBool(_ key: String) throws -> Bool? {
        switch index[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw mismatch(key, Bool.self, "true, false or null")
        }
    }

    public func timestamp(_ key: String) throws -> CloseTimestamp {
        guard let value = try optionalTimestamp(key) else { throw mismatch(key, CloseTimestamp.self, "a date-time") }
        return value
    }

    public func optionalTimestamp(_ key: String) throws -> CloseTimestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let timestamp = CloseTimestamp(parsing: text) else { throw mismatch(key, CloseTimestamp.self, "an ISO 8601 date-time") }
        return timestamp
    }

    /// A list member's elements (none when absent or null).
    public func array(_ key: String) throws -> [JSONValue] {
        switch index[key] {
        case nil, .null?: return []
        case .array(let values)?: return values
        default: throw mismatch(key, [JSONValue].self, "a list")
        }
    }

    public func strings(_ key: String) throws -> [String] {
        try array(key).map { element in
            guard case .string(let text) = element else { throw mismatch(key, String.self, "a list of strings") }
            return text
        }
    }

    /// A nested wire object.
    public func object<T: WireDecodable>(_ key: String, as type: T.Type = T.self) throws -> T {
        try T(wire: WireObject(value(key), codingPath: codingPath + [JSONKey(key)]))
    }

    /// A list of nested wire objects.
    public func objects<T: WireDecodable>(_ key: String, as type: T.Type = T.self) throws -> [T] {
        try array(key).map { try T(wire: WireObject($0, codingPath: codingPath + [JSONKey(key)])) }
    }

    /// The flat `custom.<id>` members, in order, for ``CustomValues``.
    public var customMembers: [(id: String, value: JSONValue)] {
        members.compactMap { key, value in key.hasPrefix("custom.") ? (String(key.dropFirst(7)), value) : nil }
    }
}

extension JSONValue: Decodable {
    /// Any JSON value, as the decoder gives it (members of an object in the decoder's order; Closr's own
    /// parser, ``init(parsing:)``, keeps the text's).
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { self = .null; return }
            if let flag = try? container.decode(Bool.self) { self = .bool(flag); return }
            if let number = try? container.decode(Int.self) { self = .int(number); return }
            if let number = try? container.decode(Double.self) { self = .double(number); return }
            if let text = try? container.decode(String.self) { self = .string(text); return }
        }
        if var list = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !list.isAtEnd { values.append(try list.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        let object = try decoder.container(keyedBy: JSONKey.self)
        self = .object(try object.allKeys.map { key in (key.stringValue, try object.decode(JSONValue.self, forKey: key)) })
    }
}
