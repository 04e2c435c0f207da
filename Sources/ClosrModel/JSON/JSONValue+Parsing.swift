import Foundation

extension JSONValue {
    /// Parses JSON text into a tree, keeping the distinction between booleans, integers and other
    /// numbers that request bodies need (a custom field may be a number, `true` is not `1`).
    public init(parsing bytes: [UInt8]) throws {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        self = JSONValue(foundation: object)
    }

    /// Converts what `JSONSerialization` returns. Booleans come back as NSNumber whose Objective-C
    /// type is `c`; integers as `i`/`l`/`q`; everything else numeric as a double.
    init(foundation value: Any) {
        switch value {
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            switch type {
            case "c", "B": self = .bool(number.boolValue)
            case "i", "s", "l", "q": self = .int(number.intValue)
            default:
                let double = number.doubleValue
                self = double == double.rounded() && abs(double) < 9.0e15 ? .int(Int(double)) : .double(double)
            }
        case let array as [Any]:
            self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]:
            self = .object(object.keys.sorted().map { ($0, JSONValue(foundation: object[$0]!)) })
        default:
            self = .null
        }
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
