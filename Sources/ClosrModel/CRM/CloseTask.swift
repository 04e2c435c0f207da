/// A task (close-api-more.md §C): a `lead` or `outgoing_call` task a user created, or one of the inbox
/// notification types. Named for Close to stay clear of Swift's `Task`.
public struct CloseTask: Sendable, Equatable, JSONWritable {
    /// `lead`, `outgoing_call`, `missed_call`, `voicemail`, `incoming_email`, `email_followup`,
    /// `answered_detached_call`, `opportunity_due`, `incoming_sms`.
    public var type: String
    public var id: String
    public var organizationID: String
    public var leadID: String?
    public var leadName: String?
    public var contactID: String?
    public var contactName: String?
    public var assignedTo: String?
    public var assignedToName: String?
    public var text: String
    /// As given: a date (`2026-12-06`) or a date-time in Close's form; nil for a dateless task.
    public var date: String?
    public var dueDate: String?
    public var isComplete: Bool
    public var isDateless: Bool
    public var priority: String?
    public var resolution: String?
    /// `inbox`, `future` or `archive`, for the caller's today.
    public var view: String
    public var createdBy: String?
    public var createdByName: String?
    public var updatedBy: String?
    public var updatedByName: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        type: String, id: String, organizationID: String, leadID: String?, leadName: String?, contactID: String?,
        contactName: String?, assignedTo: String?, assignedToName: String?, text: String, date: String?, dueDate: String?,
        isComplete: Bool, isDateless: Bool, priority: String?, resolution: String?, view: String, createdBy: String?,
        createdByName: String?, updatedBy: String?, updatedByName: String?, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.type = type
        self.id = id
        self.organizationID = organizationID
        self.leadID = leadID
        self.leadName = leadName
        self.contactID = contactID
        self.contactName = contactName
        self.assignedTo = assignedTo
        self.assignedToName = assignedToName
        self.text = text
        self.date = date
        self.dueDate = dueDate
        self.isComplete = isComplete
        self.isDateless = isDateless
        self.priority = priority
        self.resolution = resolution
        self.view = view
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.updatedBy = updatedBy
        self.updatedByName = updatedByName
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if writer.key("_type") { writer.string(type) }
        if writer.key("id") { writer.string(id) }
        if writer.key("organization_id") { writer.string(organizationID) }
        if writer.key("lead_id") { writer.string(leadID) }
        if writer.key("lead_name") { writer.string(leadName) }
        if writer.key("contact_id") { writer.string(contactID) }
        if writer.key("contact_name") { writer.string(contactName) }
        if writer.key("assigned_to") { writer.string(assignedTo) }
        if writer.key("assigned_to_name") { writer.string(assignedToName) }
        if writer.key("text") { writer.string(text) }
        if writer.key("date") { writer.string(date) }
        if writer.key("due_date") { writer.string(dueDate) }
        if writer.key("is_complete") { writer.bool(isComplete) }
        if writer.key("is_dateless") { writer.bool(isDateless) }
        if writer.key("priority") { writer.string(priority) }
        if writer.key("resolution") { writer.string(resolution) }
        if writer.key("view") { writer.string(view) }
        if writer.key("object_type") { writer.null() }
        if writer.key("object_id") { writer.null() }
        if writer.key("created_by") { writer.string(createdBy) }
        if writer.key("created_by_name") { writer.string(createdByName) }
        if writer.key("updated_by") { writer.string(updatedBy) }
        if writer.key("updated_by_name") { writer.string(updatedByName) }
        if writer.key("date_created") { writer.timestamp(dateCreated) }
        if writer.key("date_updated") { writer.timestamp(dateUpdated) }
        writer.endObject()
    }
}
