/// One entry of the event log (`/event/`, close-api.md §13): what changed, who changed it, from where.
/// The same rows serve the audit trail of API keys and, later, webhooks.
public struct Event: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    /// `lead`, `contact`, `api_key`, `activity.note`, …
    public var objectType: String
    public var objectID: String
    public var leadID: String?
    /// `created`, `updated`, `deleted`, or a special action such as `revoked`.
    public var action: String
    public var changedFields: [String]
    /// The object after the change, already in wire form; nil when there is none (deletion).
    public var data: JSONValue?
    /// The changed fields' values before the change; nil for creations.
    public var previousData: JSONValue?
    public var userID: String?
    public var requestID: String?
    public var apiKeyID: String?
    /// Where the change came from: request path and method, client IP and user agent.
    public var meta: JSONValue

    public init(
        id: String, organizationID: String, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp,
        objectType: String, objectID: String, leadID: String?, action: String, changedFields: [String],
        data: JSONValue?, previousData: JSONValue?, userID: String?, requestID: String?, apiKeyID: String?,
        meta: JSONValue
    ) {
        self.id = id
        self.organizationID = organizationID
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.objectType = objectType
        self.objectID = objectID
        self.leadID = leadID
        self.action = action
        self.changedFields = changedFields
        self.data = data
        self.previousData = previousData
        self.userID = userID
        self.requestID = requestID
        self.apiKeyID = apiKeyID
        self.meta = meta
    }

    /// `data` and `previous_data` are always present (null when absent): tap-closeio serialises
    /// `previous_data` whenever `data` is there.
    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
            ("object_type", .string(objectType)), ("object_id", .string(objectID)), ("lead_id", .string(leadID)),
            ("action", .string(action)), ("changed_fields", .array(changedFields.map(JSONValue.string))),
            ("data", data ?? .null), ("previous_data", previousData ?? .null),
            ("user_id", .string(userID)), ("request_id", .string(requestID)), ("api_key_id", .string(apiKeyID)),
            ("oauth_client_id", .null), ("oauth_scope", .null), ("meta", meta),
        ])
    }
}
