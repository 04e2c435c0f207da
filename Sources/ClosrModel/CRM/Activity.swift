/// One entry of a lead's timeline (close-api-more.md §B): the members every activity has (B.3) and its
/// type's own members (B.4), kept in their wire form so all fourteen types share one representation.
public struct Activity: Sendable, Equatable, JSONWritable {
    /// Close's `_type`: `Note`, `Call`, `Email`, …, `CustomActivity`.
    public var type: String
    public var id: String
    public var organizationID: String
    public var leadID: String?
    public var contactID: String?
    public var userID: String?
    public var userName: String?
    public var activityAt: CloseTimestamp?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    public var createdBy: String?
    public var createdByName: String?
    public var updatedBy: String?
    public var updatedByName: String?
    /// The type's own members, in order (`note`, `note_html`, … for a note).
    public var fields: [(String, JSONValue)]

    public init(
        type: String, id: String, organizationID: String, leadID: String?, contactID: String?, userID: String?,
        userName: String?, activityAt: CloseTimestamp?, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp,
        createdBy: String?, createdByName: String?, updatedBy: String?, updatedByName: String?, fields: [(String, JSONValue)]
    ) {
        self.type = type
        self.id = id
        self.organizationID = organizationID
        self.leadID = leadID
        self.contactID = contactID
        self.userID = userID
        self.userName = userName
        self.activityAt = activityAt
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.updatedBy = updatedBy
        self.updatedByName = updatedByName
        self.fields = fields
    }

    public static func == (lhs: Activity, rhs: Activity) -> Bool { lhs.jsonValue == rhs.jsonValue }

    /// A type member's value (`note`, `status`), or nil when the type has none.
    public subscript(field: String) -> JSONValue? { fields.first { $0.0 == field }?.1 }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if writer.key("_type") { writer.string(type) }
        if writer.key("id") { writer.string(id) }
        if writer.key("organization_id") { writer.string(organizationID) }
        if writer.key("lead_id") { writer.string(leadID) }
        if writer.key("contact_id") { writer.string(contactID) }
        if writer.key("user_id") { writer.string(userID) }
        if writer.key("user_name") { writer.string(userName) }
        if writer.key("users") {
            writer.beginArray()
            if let userID { writer.string(userID) }
            writer.endArray()
        }
        if writer.key("activity_at") { writer.timestamp(activityAt) }
        if writer.key("date_created") { writer.timestamp(dateCreated) }
        if writer.key("date_updated") { writer.timestamp(dateUpdated) }
        if writer.key("created_by") { writer.string(createdBy) }
        if writer.key("created_by_name") { writer.string(createdByName) }
        if writer.key("updated_by") { writer.string(updatedBy) }
        if writer.key("updated_by_name") { writer.string(updatedByName) }
        for (key, value) in fields where writer.key(key) { writer.value(value) }
        writer.endObject()
    }
}
