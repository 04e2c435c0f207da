/// A lead or opportunity status (close-api.md §8). Lead statuses have no type or pipeline.
public struct Status: Sendable, Equatable, JSONRepresentable {
    public enum Kind: String, Sendable {
        case lead, opportunity
    }

    public var id: String
    public var organizationID: String
    public var kind: Kind
    public var label: String
    /// `active`, `won` or `lost` (opportunity statuses only).
    public var type: String?
    public var pipelineID: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, kind: Kind, label: String, type: String?, pipelineID: String?,
        dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.kind = kind
        self.label = label
        self.type = type
        self.pipelineID = pipelineID
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("label", .string(label))]
        if kind == .opportunity {
            members.append(("type", .string(type)))
            members.append(("pipeline_id", .string(pipelineID)))
        }
        members.append(("organization_id", .string(organizationID)))
        members.append(("date_created", .timestamp(dateCreated)))
        members.append(("date_updated", .timestamp(dateUpdated)))
        return .object(members)
    }

    /// The `{id, label[, type]}` form used inside organizations and pipelines.
    public var summary: StatusSummary {
        StatusSummary(id: id, label: label, type: kind == .opportunity ? type : nil)
    }
}

/// A pipeline of opportunity statuses (close-api.md §8).
public struct Pipeline: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var name: String
    public var statuses: [Status]
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(id: String, organizationID: String, name: String, statuses: [Status], dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.statuses = statuses
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("organization_id", .string(organizationID)),
            ("statuses", .array(statuses.map(\.summary))),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
        ])
    }
}
