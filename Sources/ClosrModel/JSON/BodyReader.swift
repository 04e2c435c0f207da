/// Reads fields of a JSON request body with Close's rules, collecting a message per bad field so one
/// 400 can name them all (`field-errors`). Distinguishes a key that is absent (leave the value alone,
/// since every PUT is partial) from one that is null (clear it).
public struct BodyReader: Sendable {
    public let members: [String: JSONValue]
    public private(set) var fieldErrors: [String: String] = [:]

    public init(_ value: JSONValue) throws(CloseError) {
        guard let members = value.objectMembers else { throw CloseError.badRequest("The request body must be a JSON object") }
        self.members = Dictionary(members, uniquingKeysWith: { _, last in last })
    }

    public func has(_ key: String) -> Bool { members[key] != nil }

    public mutating func fail(_ key: String, _ message: String) {
        if fieldErrors[key] == nil { fieldErrors[key] = message }
    }

    /// A string, or nil when absent or null; numbers are not strings.
    public mutating func string(_ key: String, maxLength: Int = 10_000) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.count <= maxLength else {
                fail(key, "At most \(maxLength) characters.")
                return nil
            }
            return value
        default:
            fail(key, "Expected a string.")
            return nil
        }
    }

    public mutating func int(_ key: String) -> Int? {
        switch members[key] {
        case nil, .null?: return nil
        case .int(let value)?: return value
        case .double(let value)? where value == value.rounded() && abs(value) < 9e15: return Int(value)
        default:
            fail(key, "Expected a whole number.")
            return nil
        }
    }

    /// `true` or `false`, or nil when absent; anything else is a field error.
    public mutating func bool(_ key: String) -> Bool? {
        switch members[key] {
        case nil: return nil
        case .bool(let value)?: return value
        default:
            fail(key, "Expected true or false.")
            return nil
        }
    }

    public mutating func array(_ key: String) -> [JSONValue]? {
        switch members[key] {
        case nil, .null?: return nil
        case .array(let values)?: return values
        default:
            fail(key, "Expected a list.")
            return nil
        }
    }

    /// Throws the collected field errors, if any.
    public func validate() throws(CloseError) {
        if !fieldErrors.isEmpty { throw CloseError.validation(fieldErrors) }
    }
}
