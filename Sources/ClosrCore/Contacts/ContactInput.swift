import ClosrModel
import Foundation

/// The writable fields of a contact as a request gives them; nil means "not given".
struct ContactInput: Sendable {
    var name: String?
    var title: String?
    var emails: [JSONValue]?
    var phones: [JSONValue]?
    var urls: [JSONValue]?

    static let emailTypes: Set<String> = ["office", "mobile", "home", "direct", "other"]
    static let phoneTypes: Set<String> = ["office", "mobile", "home", "direct", "fax", "other"]

    /// Reads and validates one contact; `prefix` names nested fields (`contacts.0.emails`).
    init(_ reader: inout BodyReader, prefix: String = "") {
        name = reader.string("name", maxLength: 500)
        title = reader.string("title", maxLength: 500)
        emails = Self.entries(reader.array("emails"), field: "email", types: Self.emailTypes, name: prefix + "emails", reader: &reader) { email in
            email.contains("@") && !email.contains(" ") ? email : nil
        }
        phones = Self.entries(reader.array("phones"), field: "phone", types: Self.phoneTypes, name: prefix + "phones", reader: &reader) { phone in
            phone.contains(where: \.isNumber) ? PhoneNumber.normalized(phone) : nil
        }
        urls = Self.entries(reader.array("urls"), field: "url", types: ["url"], name: prefix + "urls", reader: &reader) { url in
            url.isEmpty ? nil : url
        }
    }

    /// Validates `[{type, <field>}]` entries, normalising each value; a bad one is a field error.
    private static func entries(
        _ values: [JSONValue]?, field: String, types: Set<String>, name: String, reader: inout BodyReader,
        normalize: (String) -> String?
    ) -> [JSONValue]? {
        guard let values else { return nil }
        var result: [JSONValue] = []
        for (index, value) in values.enumerated() {
            guard let raw = value[field]?.text, let normalized = normalize(raw.trimmingCharacters(in: .whitespaces)) else {
                reader.fail(name, "Entry \(index) needs a valid \"\(field)\".")
                continue
            }
            let type = value["type"]?.text ?? (field == "url" ? "url" : "office")
            guard types.contains(type) else {
                reader.fail(name, "Entry \(index) has type \"\(type)\"; use one of \(types.sorted().joined(separator: ", ")).")
                continue
            }
            var members: [(String, JSONValue)] = [("type", .string(type)), (field, .string(normalized))]
            if field == "email" { members.append(("is_unsubscribed", value["is_unsubscribed"] == .bool(true) ? .bool(true) : .bool(false))) }
            result.append(.object(members))
        }
        return result
    }

    /// A new contact row from this input; fields not given are empty.
    func newRow(id: String, organizationID: String, leadID: String, userID: String?, now: CloseTimestamp, custom: JSONValue = .object([])) -> ContactRow {
        ContactRow(
            id: id, organizationId: organizationID, leadId: leadID, name: name ?? "", title: title ?? "", emails: emails ?? [],
            phones: phones ?? [], urls: urls ?? [], custom: custom, createdBy: userID, updatedBy: userID,
            dateCreated: now.microseconds, dateUpdated: now.microseconds
        )
    }
}
