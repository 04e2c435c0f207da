/// A lead with its contacts and opportunities (close-api.md §5).
public struct Lead: Sendable, Equatable, JSONWritable {
    public var id: String
    public var organizationID: String
    public var name: String
    public var description: String
    public var url: String?
    public var statusID: String
    public var statusLabel: String
    public var addresses: [JSONValue]
    public var contacts: [Contact]
    public var opportunities: [Opportunity]
    /// The lead's open tasks.
    public var tasks: [CloseTask] = []
    public var custom = CustomValues()
    public var createdBy: String?
    public var createdByName: String?
    public var updatedBy: String?
    public var updatedByName: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, name: String, description: String, url: String?, statusID: String,
        statusLabel: String, addresses: [JSONValue], contacts: [Contact], opportunities: [Opportunity],
        createdBy: String?, createdByName: String?, updatedBy: String?, updatedByName: String?,
        dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.description = description
        self.url = url
        self.statusID = statusID
        self.statusLabel = statusLabel
        self.addresses = addresses
        self.contacts = contacts
        self.opportunities = opportunities
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.updatedBy = updatedBy
        self.updatedByName = updatedByName
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// The lead's page in the web console, its `html_url`.
    public static func htmlPath(id: String) -> String { "/lead/\(id)/" }

    /// The name; without one, the first contact's name, else the URL's host.
    public var displayName: String {
        if !name.isEmpty { return name }
        if let contact = contacts.first, !contact.displayName.isEmpty { return contact.displayName }
        return url ?? ""
    }

    public func write(to writer: inout JSONWriter) {
        let primaryEmail = contacts.lazy.flatMap { $0.emails }.first
        let primaryPhone = contacts.lazy.flatMap { $0.phones }.first
        writer.beginObject()
        if writer.key("id") { writer.string(id) }
        if writer.key("organization_id") { writer.string(organizationID) }
        if writer.key("name") { writer.string(name) }
        if writer.key("display_name") { writer.string(displayName) }
        if writer.key("description") { writer.string(description) }
        if writer.key("url") { writer.string(url) }
        if writer.key("status_id") { writer.string(statusID) }
        if writer.key("status_label") { writer.string(statusLabel) }
        if writer.key("html_url") { writer.string(Self.htmlPath(id: id)) }
        if writer.key("created_by") { writer.string(createdBy) }
        if writer.key("created_by_name") { writer.string(createdByName) }
        if writer.key("updated_by") { writer.string(updatedBy) }
        if writer.key("updated_by_name") { writer.string(updatedByName) }
        if writer.key("date_created") { writer.timestamp(dateCreated) }
        if writer.key("date_updated") { writer.timestamp(dateUpdated) }
        if writer.key("addresses") {
            writer.beginArray()
            for address in addresses { writer.value(address) }
            writer.endArray()
        }
        if writer.key("contacts") { writer.array(contacts) }
        if writer.key("contact_ids") {
            writer.beginArray()
            for contact in contacts { writer.string(contact.id) }
            writer.endArray()
        }
        if writer.key("opportunities") { writer.array(opportunities) }
        if writer.key("tasks") { writer.array(tasks) }
        if writer.key("integration_links") { writer.emptyArray() }
        if writer.key("custom") { writer.value(custom.byName) }
        if writer.key("primary_email") {
            if let primaryEmail { writer.value(primaryEmail) } else { writer.null() }
        }
        if writer.key("primary_phone") {
            if let primaryPhone { writer.value(primaryPhone) } else { writer.null() }
        }
        if writer.key("source") { writer.null() }
        custom.writeFlatMembers(to: &writer)
        writer.endObject()
    }
}
