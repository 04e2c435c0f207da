/// An organization as `/organization/{id}/` and `/me/`'s `organizations` return it (close-api.md §12, §2.3).
public struct Organization: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// ISO currency code used as the default for opportunity values.
    public var currency: String
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    public var leadStatuses: [StatusSummary]
    public var opportunityStatuses: [StatusSummary]
    public var memberships: [Membership]
    public var inactiveMemberships: [Membership]

    public init(
        id: String, name: String, currency: String, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp,
        leadStatuses: [StatusSummary] = [], opportunityStatuses: [StatusSummary] = [],
        memberships: [Membership] = [], inactiveMemberships: [Membership] = []
    ) {
        self.id = id
        self.name = name
        self.currency = currency
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.leadStatuses = leadStatuses
        self.opportunityStatuses = opportunityStatuses
        self.memberships = memberships
        self.inactiveMemberships = inactiveMemberships
    }

    enum CodingKeys: String, CodingKey {
        case id, name, currency, memberships
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case leadStatuses = "lead_statuses"
        case opportunityStatuses = "opportunity_statuses"
        case inactiveMemberships = "inactive_memberships"
    }
}

/// The `{id, label[, type]}` form statuses take inside an organization object.
public struct StatusSummary: Sendable, Equatable, Codable {
    public var id: String
    public var label: String
    /// `active`, `won` or `lost` for opportunity statuses; absent for lead statuses.
    public var type: String?

    public init(id: String, label: String, type: String? = nil) {
        self.id = id
        self.label = label
        self.type = type
    }
}
