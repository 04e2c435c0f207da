import ClosrModel

/// A subscription entry's `extra_filter` (close-api-more.md §D): `field_accessor` reads a member of the
/// event (and, nested, of `data`), `equals`/`not_equals`/`any_of` compare it, `and`/`or`/`not` combine.
/// Checked when the subscription is written (400 for a filter Closr cannot judge) and when a delivery is
/// sent.
enum WebhookFilter {
    static func validate(_ filter: JSONValue, depth: Int = 0) -> String? {
        guard depth < 16, let type = filter["type"]?.text else { return "Each filter needs a type." }
        switch type {
        case "field_accessor":
            guard filter["field"]?.text != nil, let inner = filter["filter"] else { return "field_accessor needs field and filter." }
            return validate(inner, depth: depth + 1)
        case "equals", "not_equals":
            return filter["value"] == nil ? "\(type) needs a value." : nil
        case "any_of":
            guard case .array? = filter["values"] else { return "any_of needs a list of values." }
            return nil
        case "not":
            guard let inner = filter["filter"] else { return "not needs a filter." }
            return validate(inner, depth: depth + 1)
        case "and", "or":
            guard case .array(let filters)? = filter["filters"], !filters.isEmpty else { return "\(type) needs a list of filters." }
            return filters.lazy.compactMap { validate($0, depth: depth + 1) }.first
        default:
            return "Unknown filter type '\(type)': use field_accessor, equals, not_equals, any_of, and, or, not."
        }
    }

    static func matches(_ filter: JSONValue, _ value: JSONValue?) -> Bool {
        switch filter["type"]?.text {
        case "field_accessor":
            guard let field = filter["field"]?.text, let inner = filter["filter"] else { return false }
            return matches(inner, value?[field])
        case "equals": return (value ?? .null) == (filter["value"] ?? .null)
        case "not_equals": return (value ?? .null) != (filter["value"] ?? .null)
        case "any_of":
            guard case .array(let values)? = filter["values"] else { return false }
            return values.contains((value ?? .null))
        case "not": return filter["filter"].map { !matches($0, value) } ?? false
        case "and":
            guard case .array(let filters)? = filter["filters"] else { return false }
            return filters.allSatisfy { matches($0, value) }
        case "or":
            guard case .array(let filters)? = filter["filters"] else { return false }
            return filters.contains { matches($0, value) }
        default: return false
        }
    }
}
