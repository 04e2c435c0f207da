/// A lead with its contacts and opportunities (close-api.md §5).
public struct Lead: Sendable, Equatable, JSONRepresentable {
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

    /// The name; without one, the first contact's name, else the URL's host.
    public var displayName: String {
        if !name.isEmpty { return name }
        if let contact = contacts.first, !contact.displayName.isEmpty { return contact.displayName }
        return url ?? ""
    }

    public var jsonValue: JSONValue {
        let primaryEmail = contacts.lazy.flatMap(\.emails).first
        let primaryPhone = contacts.lazy.flatMap(\.phones).first
        return .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("name", .string(name)),
            ("display_name", .string(displayName)), ("description", .string(description)), ("url", .string(url)),
            ("status_id", .string(statusID)), ("status_label", .string(statusLabel)),
            ("html_url", .string("/lead/\(id)/")),
            ("created_by", .string(createdBy)), ("created_by_name", .string(createdByName)),
            ("updated_by", .string(updatedBy)), ("updated_by_name", .string(updatedByName)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
            ("addresses", .array(addresses)), ("contacts", .array(contacts)),
            ("contact_ids", .array(contacts.map { .string($0.id) })), ("opportunities", .array(opportunities)),
            ("tasks", .array([])), ("integration_links", .array([])), ("custom", custom.byName),
            ("primary_email", primaryEmail?.jsonValue ?? .null), ("primary_phone", primaryPhone?.jsonValue ?? .null),
            ("source", .null),
        ] + custom.flatMembers)
    }
}
