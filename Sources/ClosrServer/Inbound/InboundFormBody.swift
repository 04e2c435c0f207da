import ClosrModel
import Foundation

/// The fields of an inbound post, in the order sent, whatever form the body took.
///
/// Website forms, form builders and automation tools post leads as JSON, as an HTML form (urlencoded or
/// multipart), or as JSON labelled `text/plain` (a browser `fetch` that avoids a CORS preflight). One
/// flat list of name/value pairs lets the intake map fields to a lead without caring how they came.
/// Parsing is strict — a malformed body, a field given twice or text that is not UTF-8 is a 400 saying
/// how to fix it — because a lead quietly built from half a post is worse than a refusal the sender
/// sees while wiring the form up.
struct InboundFormBody: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        let name: String
        let value: String
    }

    var fields: [Field]

    /// Bounds the work one post can cause; a real lead form has a few dozen fields.
    static let maxFields = 200
    static let maxNameLength = 200
    /// Levels of JSON objects, the top-level one included, that a flattened name may come from
    /// (`a.b.c.d.e` at most).
    static let maxJSONDepth = 5

    private typealias Pair = (name: String, value: String)

    /// Reads `bytes` as the form `contentType` names. Throws only ``CloseError``: 415 for a media type
    /// not accepted here, 400 for everything else. An empty body has no fields (the caller says so).
    static func parse(_ bytes: [UInt8], contentType: String?) throws -> InboundFormBody {
        guard !bytes.isEmpty else { return InboundFormBody(fields: []) }
        let mediaType = (contentType?.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let pairs: [Pair]
        switch mediaType {
        case "":
            // No Content-Type (curl without -H, some webhook senders): a JSON object starts with `{`.
            let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            pairs = try first == UInt8(ascii: "{") ? jsonPairs(bytes) : urlencodedPairs(bytes)
        case "application/json", "text/plain":
            pairs = try jsonPairs(bytes)
        case _ where mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"):
            pairs = try jsonPairs(bytes)
        case "application/x-www-form-urlencoded":
            pairs = try urlencodedPairs(bytes)
        case "multipart/form-data":
            pairs = try multipartPairs(bytes, boundary: MultipartFormData.boundary(fromContentType: contentType ?? ""))
        default:
            throw CloseError(
                status: 415,
                message: "Content-Type '\(contentType ?? "")' is not accepted here: send application/json, "
                    + "application/x-www-form-urlencoded or multipart/form-data"
            )
        }
        return InboundFormBody(fields: try collect(pairs))
    }

    // MARK: - The three forms

    private static func jsonPairs(_ bytes: [UInt8]) throws -> [Pair] {
        let root: JSONValue
        do {
            root = try JSONValue(parsingRequestBody: bytes)
        } catch is JSONValue.NULCharacterInString {
            throw CloseError.badRequest("A string in the JSON body contains the NUL character (\\u0000): remove it")
        } catch {
            throw CloseError.badRequest(
                #"The body is not valid JSON: send one UTF-8 JSON object of fields, such as {"email": "ann@example.com"}, "#
                    + "or send the form as application/x-www-form-urlencoded"
            )
        }
        guard case .object(let members) = root else {
            throw CloseError.badRequest(#"The JSON body must be an object of fields, such as {"email": "ann@example.com"}"#)
        }
        var pairs: [Pair] = []
        try flatten(members, prefix: "", depth: 1, into: &pairs)
        try checkCount(pairs.count)
        return pairs
    }

    /// Nested objects become dotted names (`{"a": {"b": 1}}` → `a.b`), so tools that group fields
    /// (`address.city`) can still be mapped; lists of plain values become one comma-separated value.
    private static func flatten(_ members: [(String, JSONValue)], prefix: String, depth: Int, into pairs: inout [Pair]) throws {
        for (key, value) in members {
            guard !key.isEmpty else { throw emptyName }
            let name = prefix + key
            switch value {
            case .null:
                continue
            case .object(let nested):
                guard depth < maxJSONDepth else {
                    throw CloseError.badRequest(
                        "Field '\(shown(name))' holds objects nested more than \(maxJSONDepth) levels deep: "
                            + "send at most \(maxJSONDepth) levels (names like a.b.c.d.e)"
                    )
                }
                try flatten(nested, prefix: name + ".", depth: depth + 1, into: &pairs)
            case .array(let elements):
                var texts: [String] = []
                for element in elements where element != .null {
                    guard let text = scalarText(element) else {
                        throw CloseError.badRequest(
                            "Field '\(shown(name))' is a list holding objects or lists: send a list of plain values "
                                + "(strings, numbers, true or false), or one field per value"
                        )
                    }
                    texts.append(text)
                }
                // An empty list, like an unticked checkbox group, sends nothing.
                if !texts.isEmpty { pairs.append((name, texts.joined(separator: ", "))) }
            default:
                if let text = scalarText(value) { pairs.append((name, text)) }
            }
        }
    }

    /// A string as it is; a number or boolean as its JSON text (`12`, `1.5`, `true`).
    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .double, .raw: return String(decoding: value.serialized(), as: UTF8.self)
        case .null, .array, .object: return nil
        }
    }

    /// `a=1&b=x+y%21`, as an HTML form sends it. Fields are counted before any is decoded.
    private static func urlencodedPairs(_ bytes: [UInt8]) throws -> [Pair] {
        let pieces = bytes.split(separator: UInt8(ascii: "&"))
        try checkCount(pieces.count)
        return try pieces.map { (piece: ArraySlice<UInt8>) throws -> Pair in
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let rawName = piece[..<(equals ?? piece.endIndex)]
            let rawValue = equals.map { piece[($0 + 1)...] } ?? []
            let escape = "write a literal % as %25 and every escape as % and two hex digits"
            guard let nameBytes = percentDecoded(rawName) else {
                throw CloseError.badRequest("Field name '\(shown(String(decoding: rawName, as: UTF8.self)))' has a malformed percent escape: \(escape)")
            }
            guard let name = MultipartFormData.utf8String(nameBytes[...]) else {
                throw CloseError.badRequest("A field name is not valid UTF-8: send UTF-8 text")
            }
            guard let valueBytes = percentDecoded(rawValue) else {
                throw CloseError.badRequest("Field '\(shown(name))' has a malformed percent escape: \(escape)")
            }
            guard let value = MultipartFormData.utf8String(valueBytes[...]) else { throw notUTF8(name) }
            return (name, value)
        }
    }

    /// `+` is a space and `%XX` a byte; nil for a `%` not followed by two hex digits.
    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    return nil
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A file part keeps only its file name: uploads are not stored, but the lead shows one was sent.
    private static func multipartPairs(_ bytes: [UInt8], boundary: [UInt8]) throws -> [Pair] {
        let parts = try MultipartFormData.parts(bytes, boundary: boundary)
        try checkCount(parts.count)
        return try parts.map { (part: MultipartFormData.Part) throws -> Pair in
            if let fileName = part.fileName {
                // A file input left empty is sent with `filename=""` and no content.
                return (part.name, fileName.isEmpty ? "" : "\(fileName) (file not stored)")
            }
            guard let value = MultipartFormData.utf8String(part.content) else { throw notUTF8(part.name) }
            return (part.name, value)
        }
    }

    // MARK: - Rules shared by every form

    /// Checks each name and value, and gathers `name[]` fields (the HTML convention for a checkbox
    /// group) into one field named without the brackets. Any other repeated name is refused rather than
    /// one value silently winning. Names compare as Swift strings: exact, case-sensitive, and two
    /// spellings of one accented letter count as the same name.
    private static func collect(_ pairs: [Pair]) throws -> [Field] {
        var order: [String] = []
        var values: [String: (isList: Bool, values: [String])] = [:]
        for (name, value) in pairs {
            guard !name.utf8.contains(0) else {
                throw CloseError.badRequest("A field name contains the NUL character (U+0000): remove it")
            }
            guard !name.isEmpty else { throw emptyName }
            guard name.count <= maxNameLength else {
                throw CloseError.badRequest(
                    "Field name '\(shown(name))' is \(name.count) characters long: use at most \(maxNameLength)"
                )
            }
            guard !value.utf8.contains(0) else {
                throw CloseError.badRequest("Field '\(shown(name))' contains the NUL character (U+0000): remove it")
            }
            let isList = name.hasSuffix("[]")
            let key = isList ? String(name.dropLast(2)) : name
            guard !key.isEmpty else { throw emptyName }
            if let existing = values[key] {
                guard existing.isList, isList else {
                    throw CloseError.badRequest(
                        "Field '\(shown(key))' is given more than once: give each field once, "
                            + "or name it \(shown(key))[] to send several values"
                    )
                }
                values[key]?.values.append(value)
            } else {
                order.append(key)
                values[key] = (isList, [value])
            }
        }
        return order.map { Field(name: $0, value: values[$0]?.values.joined(separator: ", ") ?? "") }
    }

    private static func checkCount(_ count: Int) throws {
        guard count <= maxFields else {
            throw CloseError.badRequest(
                "The post has \(count) fields; at most \(maxFields) are accepted: send only the fields the lead needs"
            )
        }
    }

    private static var emptyName: CloseError {
        CloseError.badRequest("A field has an empty name: give every field a name")
    }

    private static func notUTF8(_ name: String) -> CloseError {
        CloseError.badRequest(
            "Field '\(shown(name))' is not valid UTF-8: send UTF-8 text (serve the form's page as UTF-8, "
                + "or add accept-charset=\"UTF-8\" to the form)"
        )
    }

    /// A name as quoted in a message: at most 60 characters, NUL made visible.
    private static func shown(_ name: String) -> String {
        let head = String(name.prefix(60)).replacingOccurrences(of: "\u{0}", with: "\\u0000")
        return name.count > 60 ? head + "…" : head
    }
}
