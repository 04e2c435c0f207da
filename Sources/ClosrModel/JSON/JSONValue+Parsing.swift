extension JSONValue {
    /// Parses JSON text into a tree, keeping the distinction between booleans, integers and other
    /// numbers that request bodies need (a custom field may be a number, `true` is not `1`).
    public init(parsing bytes: [UInt8]) throws {
        self = try JSONParser.parse(bytes)
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
