import ClosrModel

/// What one writable member of an activity accepts, and the value it is stored as.
enum ActivityFieldRule: Sendable {
    /// A string of at most this many characters; null is kept as null.
    case text(maxLength: Int)
    /// A whole number (null kept).
    case int
    case bool
    /// One of these strings (null kept only when `nullable`).
    case choice([String], nullable: Bool)
    /// A date or date-time, stored in Close's form.
    case timestamp
    /// A list of strings (`to`, `cc`).
    case stringList
    /// A list of objects (attachments, attendees).
    case objectList
    /// An `https://` URL or null.
    case httpsURL

    /// The stored value of `value`, or a message for the field error.
    func read(_ value: JSONValue) -> Result<JSONValue, ActivityFieldError> {
        if case .null = value {
            if case .choice(_, let nullable) = self, !nullable { return .failure("This field may not be null.") }
            if case .bool = self { return .failure("Expected true or false.") }
            return .success(.null)
        }
        switch self {
        case .text(let maxLength):
            guard case .string(let text) = value else { return .failure("Expected a string.") }
            return text.count <= maxLength ? .success(value) : .failure("At most \(maxLength) characters.")
        case .int:
            if case .int = value { return .success(value) }
            if case .double(let number) = value, number == number.rounded(), abs(number) < 9e15 { return .success(.int(Int(number))) }
            return .failure("Expected a whole number.")
        case .bool:
            guard case .bool = value else { return .failure("Expected true or false.") }
            return .success(value)
        case .choice(let choices, _):
            guard case .string(let text) = value, choices.contains(text) else {
                return .failure("Use one of: \(choices.joined(separator: ", ")).")
            }
            return .success(value)
        case .timestamp:
            guard case .string(let text) = value, let time = CloseTimestamp(parsing: text) else {
                return .failure("Expected an ISO 8601 date or date-time.")
            }
            return .success(.timestamp(time))
        case .stringList:
            guard case .array(let items) = value, items.count <= 1000,
                  items.allSatisfy({ if case .string(let s) = $0 { return s.count <= 1000 } else { return false } })
            else { return .failure("Expected a list of strings.") }
            return .success(value)
        case .objectList:
            guard case .array(let items) = value, items.count <= 1000, items.allSatisfy({ $0.objectMembers != nil }) else {
                return .failure("Expected a list of objects.")
            }
            return .success(value)
        case .httpsURL:
            guard case .string(let text) = value, text.count <= 2000, text.lowercased().hasPrefix("https://") else {
                return .failure("Use an https:// URL.")
            }
            return .success(value)
        }
    }
}

/// A field error's message.
struct ActivityFieldError: Error, ExpressibleByStringInterpolation {
    let message: String
    init(stringLiteral message: String) { self.message = message }
    init(_ message: String) { self.message = message }
}
