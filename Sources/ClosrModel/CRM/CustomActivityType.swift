/// A custom activity type (`/custom_activity/`, close-api-more.md §B.5): a name and the custom fields
/// its activities carry.
public struct CustomActivityType: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var name: String
    public var description: String
    public var apiCreateOnly: Bool
    public var editableWithRoles: [String]
    public var fields: [CustomField]
    public var createdBy: String?
    public var updatedBy: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, name: String, description: String, apiCreateOnly: Bool, editableWithRoles: [String],
        fields: [CustomField], createdBy: String?, updatedBy: String?, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.description = description
        self.apiCreateOnly = apiCreateOnly
        self.editableWithRoles = editableWithRoles
        self.fields = fields
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("name", .string(name)),
            ("description", .string(description)), ("api_create_only", .bool(apiCreateOnly)),
            ("editable_with_roles", .array(editableWithRoles.map(JSONValue.string))), ("fields", .array(fields)),
            ("created_by", .string(createdBy)), ("updated_by", .string(updatedBy)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
        ])
    }
}
