extension JSONValue {
    /// Parses JSON text into a tree, keeping the distinction between booleans, integers and other
    /// numbers that request bodies need (a custom field may be a number, `true` is not `1`).
    public init(parsing bytes: [UInt8]) throws {
        self = try JSONParser.parse(bytes)
    }

    /// Parses a request body: as ``init(parsing:)``, except that a string holding U+0000 is refused
    /// with ``NULCharacterInString``. PostgreSQL cannot store that character in text and SQLite's text
    /// functions stop at it, so a client would otherwise read back less than it sent — or, on
    /// PostgreSQL, get a 500. Refusing it keeps the two dialects alike.
    public init(parsingRequestBody bytes: [UInt8]) throws {
        self = try JSONParser.parse(bytes, refusingNUL: true)
    }

    /// A request body's string held `\u0000`.
    public struct NULCharacterInString: Error {
        public init() {}
    }

    /// The members of an object, or nil for any other value.
    public var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value for a key of an object.
    public subscript(key: String) -> JSONValue? {
        objectMembers?.first { $0.0 == key }?.1
    }
}
