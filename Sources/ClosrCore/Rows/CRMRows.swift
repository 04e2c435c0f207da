import ClosrModel
import SQLKit

/// Rows of the CRM tables with their JSON columns already parsed. Each is read either from a row of
/// its own table (``ColumnDecodable``) or from the JSON array a ``LeadGraph`` query aggregates a lead's
/// contacts and opportunities into; both readers sit beside each other so the column lists stay in step.
struct LeadRow: Sendable {
    let id: String
    let organizationId: String
    let name: String
    let description: String
    let url: String?
    let statusId: String
    let addresses: [JSONValue]
    let custom: JSONValue
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64
}

extension LeadRow: ColumnDecodable {
    init(_ columns: RowColumns) throws {
        id = try columns.string("id")
        organizationId = try columns.string("organization_id")
        name = try columns.string("name")
        description = try columns.string("description")
        url = try columns.optionalString("url")
        statusId = try columns.string("status_id")
        addresses = try columns.json("addresses", fallback: .array([])).arrayValues
        custom = try columns.json("custom", fallback: .object([]))
        createdBy = try columns.optionalString("created_by")
        updatedBy = try columns.optionalString("updated_by")
        dateCreated = try columns.int64("date_created")
        dateUpdated = try columns.int64("date_updated")
    }
}

struct ContactRow: Sendable {
    let id: String
    let organizationId: String
    let leadId: String
    let name: String
    let title: String
    let emails: [JSONValue]
    let phones: [JSONValue]
    let urls: [JSONValue]
    let custom: JSONValue
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    /// The columns a ``LeadGraph`` aggregates, in the order `init(graph:)` reads them; JSON columns
    /// go through `json()` so they arrive as JSON, not as strings holding JSON.
    static let graphColumns = LeadGraph.columns(
        of: "c", ["id", "name", "title", "emails", "phones", "urls", "custom", "created_by", "updated_by", "date_created", "date_updated"],
        json: ["emails", "phones", "urls", "custom"]
    )

    /// The contact, with its custom values in the order of `fields` (contact custom fields).
    func contact(fields: [CustomField] = []) -> Contact {
        var contact = Contact(
            id: id, organizationID: organizationId, leadID: leadId, name: name, title: title,
            emails: emails.map {
                Contact.Email(type: $0["type"]?.text ?? "office", email: $0["email"]?.text ?? "",
                              isUnsubscribed: $0["is_unsubscribed"] == .bool(true))
            },
            phones: phones.map { Contact.Phone(type: $0["type"]?.text ?? "office", phone: $0["phone"]?.text ?? "") },
            urls: urls.map { Contact.URLEntry(type: $0["type"]?.text ?? "url", url: $0["url"]?.text ?? "") },
            createdBy: createdBy, updatedBy: updatedBy, dateCreated: CloseTimestamp(microseconds: dateCreated),
            dateUpdated: CloseTimestamp(microseconds: dateUpdated)
        )
        contact.custom = CustomValueInput.values(custom, fields: fields)
        return contact
    }
}

extension ContactRow: ColumnDecodable {
    init(graph value: JSONValue, organizationID: String, leadID: String) {
        var values = JSONRowValues(value)
        id = values.string()
        organizationId = organizationID
        leadId = leadID
        name = values.string()
        title = values.string()
        emails = values.array()
        phones = values.array()
        urls = values.array()
        custom = values.object()
        createdBy = values.optionalString()
        updatedBy = values.optionalString()
        dateCreated = values.int64()
        dateUpdated = values.int64()
    }

    init(_ columns: RowColumns) throws {
        id = try columns.string("id")
        organizationId = try columns.string("organization_id")
        leadId = try columns.string("lead_id")
        name = try columns.string("name")
        title = try columns.string("title")
        emails = try columns.json("emails", fallback: .array([])).arrayValues
        phones = try columns.json("phones", fallback: .array([])).arrayValues
        urls = try columns.json("urls", fallback: .array([])).arrayValues
        custom = try columns.json("custom", fallback: .object([]))
        createdBy = try columns.optionalString("created_by")
        updatedBy = try columns.optionalString("updated_by")
        dateCreated = try columns.int64("date_created")
        dateUpdated = try columns.int64("date_updated")
    }
}

struct OpportunityRow: Sendable {
    let id: String
    let organizationId: String
    let leadId: String
    let statusId: String
    let value: Int?
    let valuePeriod: String
    let valueCurrency: String
    let confidence: Int
    let note: String
    let dateWon: String?
    let dateLost: String?
    let userId: String?
    let contactId: String?
    let custom: JSONValue
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    /// As ``ContactRow/graphColumns``.
    static let graphColumns = LeadGraph.columns(
        of: "o", ["id", "status_id", "value", "value_period", "value_currency", "confidence", "note", "date_won", "date_lost",
                  "user_id", "contact_id", "custom", "created_by", "updated_by", "date_created", "date_updated"],
        json: ["custom"]
    )
}

extension OpportunityRow: ColumnDecodable {
    init(graph value: JSONValue, organizationID: String, leadID: String) {
        var values = JSONRowValues(value)
        id = values.string()
        organizationId = organizationID
        leadId = leadID
        statusId = values.string()
        self.value = values.optionalInt()
        valuePeriod = values.string()
        valueCurrency = values.string()
        confidence = values.int()
        note = values.string()
        dateWon = values.optionalString()
        dateLost = values.optionalString()
        userId = values.optionalString()
        contactId = values.optionalString()
        custom = values.object()
        createdBy = values.optionalString()
        updatedBy = values.optionalString()
        dateCreated = values.int64()
        dateUpdated = values.int64()
    }

    init(_ columns: RowColumns) throws {
        id = try columns.string("id")
        organizationId = try columns.string("organization_id")
        leadId = try columns.string("lead_id")
        statusId = try columns.string("status_id")
        value = try columns.optionalInt("value")
        valuePeriod = try columns.string("value_period")
        valueCurrency = try columns.string("value_currency")
        confidence = try columns.int("confidence")
        note = try columns.string("note")
        dateWon = try columns.optionalString("date_won")
        dateLost = try columns.optionalString("date_lost")
        userId = try columns.optionalString("user_id")
        contactId = try columns.optionalString("contact_id")
        custom = try columns.json("custom", fallback: .object([]))
        createdBy = try columns.optionalString("created_by")
        updatedBy = try columns.optionalString("updated_by")
        dateCreated = try columns.int64("date_created")
        dateUpdated = try columns.int64("date_updated")
    }
}

/// JSON text columns.
enum JSONColumn {
    static func text(_ value: JSONValue) -> StoredJSON {
        StoredJSON(String(decoding: value.serialized(), as: UTF8.self))
    }
}

extension JSONValue {
    /// The string inside `.string`, else nil.
    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of `.array`, else none.
    var arrayValues: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

extension LeadRow {
    /// The columns of this row as a new `leads` row (the tenant adds `organization_id`).
    var insertColumns: [(column: String, value: any Encodable & Sendable)] {
        [
            ("id", id), ("name", name), ("description", description), ("url", url), ("status_id", statusId),
            ("addresses", JSONColumn.text(.array(addresses))), ("custom", JSONColumn.text(custom)),
            ("created_by", createdBy), ("updated_by", updatedBy), ("date_created", dateCreated), ("date_updated", dateUpdated),
        ]
    }
}

extension ContactRow {
    /// As ``LeadRow/insertColumns``.
    var insertColumns: [(column: String, value: any Encodable & Sendable)] {
        [
            ("id", id), ("lead_id", leadId), ("name", name), ("title", title),
            ("emails", JSONColumn.text(.array(emails))), ("phones", JSONColumn.text(.array(phones))),
            ("urls", JSONColumn.text(.array(urls))), ("custom", JSONColumn.text(custom)), ("created_by", createdBy),
            ("updated_by", updatedBy), ("date_created", dateCreated), ("date_updated", dateUpdated),
        ]
    }
}
