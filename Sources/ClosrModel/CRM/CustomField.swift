/// A custom field definition for leads, contacts, opportunities or custom activities (close-api.md §11).
public struct CustomField: Sendable, Equatable, JSONRepresentable {
    /// The value types Closr validates.
    public enum FieldType: String, Sendable, CaseIterable {
        case text, textarea, number, date, datetime, choices, user, contact, hidden, url
    }

    public var id: String
    public var organizationID: String
    /// `lead`, `contact` or `opportunity`.
    public var objectType: String
    public var name: String
    public var description: String?
    public var type: FieldType
    public var choices: [String]
    public var acceptsMultipleValues: Bool
    public var createdBy: String?
    public var updatedBy: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    /// For an activity field: the custom activity type it belongs to, and whether a published activity
    /// of that type must have a value.
    public var customActivityTypeID: String? = nil
    public var required = false

    public init(
        id: String, organizationID: String, objectType: String, name: String, description: String?, type: FieldType,
        choices: [String], acceptsMultipleValues: Bool, createdBy: String?, updatedBy: String?,
        dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.objectType = objectType
        self.name = name
        self.description = description
        self.type = type
        self.choices = choices
        self.acceptsMultipleValues = acceptsMultipleValues
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)), ("name", .string(name)), ("description", .string(description)),
            ("type", .string(type.rawValue)), ("choices", type == .choices ? .array(choices.map(JSONValue.string)) : .null),
            ("accepts_multiple_values", .bool(acceptsMultipleValues)), ("editable_with_roles", .array([])),
            ("is_shared", .bool(false)), ("organization_id", .string(organizationID)),
            ("created_by", .string(createdBy)), ("updated_by", .string(updatedBy)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
        ]
        if let customActivityTypeID {
            members += [("custom_activity_type_id", .string(customActivityTypeID)), ("required", .bool(required))]
        }
        return .object(members)
    }
}

/// Custom field values of one object, in the two forms Close sends: flat `custom.<id>` keys, and the
/// deprecated `custom` object keyed by field name.
public struct CustomValues: Sendable, Equatable {
    /// (field, value) for every field that has a value, in the fields' order.
    public var values: [(field: CustomField, value: JSONValue)]

    public init(values: [(field: CustomField, value: JSONValue)] = []) {
        self.values = values
    }

    public static func == (lhs: CustomValues, rhs: CustomValues) -> Bool {
        lhs.values.map(\.field.id) == rhs.values.map(\.field.id) && lhs.values.map(\.value) == rhs.values.map(\.value)
    }

    /// Writes the flat `custom.<id>` members into an open object.
    public func writeFlatMembers(to writer: inout JSONWriter) {
        for (field, value) in values where writer.key("custom." + field.id) {
            writer.value(value)
        }
    }

    /// The `custom` object keyed by field name.
    public var byName: JSONValue {
        .object(values.map { ($0.field.name, $0.value) })
    }
}
