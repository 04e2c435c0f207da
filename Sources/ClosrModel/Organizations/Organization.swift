/// An organization as `/organization/{id}/` and `/me/`'s `organizations` return it (close-api.md §12, §2.3).
public struct Organization: Sendable, Equatable, Decodable, JSONRepresentable {
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

    /// Lists absent in `/me/`'s summary form decode as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        currency = try container.decode(String.self, forKey: .currency)
        dateCreated = try container.decode(CloseTimestamp.self, forKey: .dateCreated)
        dateUpdated = try container.decode(CloseTimestamp.self, forKey: .dateUpdated)
        leadStatuses = try container.decodeIfPresent([StatusSummary].self, forKey: .leadStatuses) ?? []
        opportunityStatuses = try container.decodeIfPresent([StatusSummary].self, forKey: .opportunityStatuses) ?? []
        memberships = try container.decodeIfPresent([Membership].self, forKey: .memberships) ?? []
        inactiveMemberships = try container.decodeIfPresent([Membership].self, forKey: .inactiveMemberships) ?? []
    }

    public var jsonValue: JSONValue {
        guard case .object(var members) = summaryJSONValue else { return summaryJSONValue }
        members.append(("memberships", .array(memberships)))
        members.append(("inactive_memberships", .array(inactiveMemberships)))
        return .object(members)
    }

    /// The organization as `/me/` lists it (close-api.md §2.3): without its memberships.
    public var summaryJSONValue: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("currency", .string(currency)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
            ("lead_statuses", .array(leadStatuses)), ("opportunity_statuses", .array(opportunityStatuses)),
        ])
    }
}

/// The `{id, label[, type]}` form statuses take inside an organization object.
public struct StatusSummary: Sendable, Equatable, Decodable, JSONRepresentable {
    public var id: String
    public var label: String
    /// `active`, `won` or `lost` for opportunity statuses; absent for lead statuses.
    public var type: String?

    public init(id: String, label: String, type: String? = nil) {
        self.id = id
        self.label = label
        self.type = type
    }

    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("label", .string(label))]
        if let type { members.append(("type", .string(type))) }
        return .object(members)
    }
}
