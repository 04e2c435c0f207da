import ClosrModel
import Hummingbird

/// `_fields=id,name,contacts`: responses keep exactly those top-level keys of each object
/// (close-api.md §1.6), on single objects and on every item of a list's `data`; `custom.<id>` keys
/// select one custom value.
struct FieldSelection {
    let fields: Set<String>?

    init(_ request: Request) {
        fields = PageRequest.fields(QueryParameters(request)["_fields"]).map(Set.init)
    }

    /// `custom` also keeps every flat `custom.<id>` key.
    func apply(_ value: JSONValue) -> JSONValue {
        guard let fields, let members = value.objectMembers else { return value }
        let allCustom = fields.contains("custom")
        return .object(members.filter { fields.contains($0.0) || (allCustom && $0.0.hasPrefix("custom.")) })
    }

    /// A list envelope with each item of `data` narrowed.
    func page(_ envelope: JSONValue) -> JSONValue {
        guard fields != nil, let members = envelope.objectMembers else { return envelope }
        return .object(members.map { key, value in
            guard key == "data", case .array(let items) = value else { return (key, value) }
            return (key, .array(items.map(apply)))
        })
    }
}
