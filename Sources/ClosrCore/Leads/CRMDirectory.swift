import ClosrModel
import SQLKit

/// What assembling objects needs to know about an organization: its statuses, pipelines and members'
/// names, and its inbound settings (read by every inbound post and page view). Read once per request.
struct CRMDirectory: Sendable {
    let statuses: [String: Status]
    /// Lead statuses in their order; the first is where new leads start.
    let leadStatuses: [Status]
    let pipelines: [String: String]
    let userNames: [String: String]
    /// Custom field definitions by object type (`lead`, `contact`, `opportunity`).
    let customFields: [String: [CustomField]]
    let inboundSettings: InboundSettings

    /// The directory, from a cache kept per organization while the accounts version has not moved
    /// (statuses, pipelines, members, custom fields and inbound settings all move it when they change).
    static func load(_ db: TenantDatabase) async throws -> CRMDirectory {
        guard let cached = db.cached else { return try await read(db) }
        let version = cached.versions[.accounts]
        if let directory = cached.caches.directories.value(for: db.organizationID, version: version) { return directory }
        let directory = try await read(db)
        cached.caches.directories.store(directory, for: db.organizationID, version: version)
        return directory
    }

    private static func read(_ db: TenantDatabase) async throws -> CRMDirectory {
        var statuses: [String: Status] = [:]
        let leadStatuses = try await StatusService.statuses(.lead, in: db)
        for status in try await leadStatuses + StatusService.statuses(.opportunity, in: db) {
            statuses[status.id] = status
        }
        var pipelines: [String: String] = [:]
        for row in try await db.select(from: .pipelines).columns("id", "name").all() {
            pipelines[try row.decode(column: "id", as: String.self)] = try row.decode(column: "name", as: String.self)
        }
        var userNames: [String: String] = [:]
        for row in try await MembershipRow.select(db.select(from: .memberships)).all(decoding: MembershipRow.self, with: rowDecoder) {
            userNames[row.userId] = row.membership.userFullName
        }
        let fields = try await db.select(from: .customFields).column("*").orderBy("date_created").orderBy("id")
            .all(CustomFieldService.Row.self).map(\.field)
        return CRMDirectory(
            statuses: statuses, leadStatuses: leadStatuses, pipelines: pipelines, userNames: userNames,
            customFields: Dictionary(grouping: fields, by: \.objectType),
            inboundSettings: try await InboundSettingsService.settings(in: db)
        )
    }

    func name(_ userID: String?) -> String? { userID.flatMap { userNames[$0] } }

    func opportunity(_ row: OpportunityRow, leadName: String, contactName: String?) -> Opportunity {
        let status = statuses[row.statusId]
        var opportunity = Opportunity(
            id: row.id, organizationID: row.organizationId, leadID: row.leadId, leadName: leadName,
            statusID: row.statusId, statusLabel: status?.label ?? "", statusType: status?.type ?? "active",
            pipelineID: status?.pipelineID, pipelineName: status?.pipelineID.flatMap { pipelines[$0] },
            value: row.value, valuePeriod: row.valuePeriod, valueCurrency: row.valueCurrency, confidence: row.confidence,
            note: row.note, dateWon: row.dateWon, userID: row.userId, userName: name(row.userId),
            contactID: row.contactId, contactName: contactName, createdBy: row.createdBy, createdByName: name(row.createdBy),
            updatedBy: row.updatedBy, updatedByName: name(row.updatedBy),
            dateCreated: CloseTimestamp(microseconds: row.dateCreated), dateUpdated: CloseTimestamp(microseconds: row.dateUpdated)
        )
        opportunity.dateLost = row.dateLost
        opportunity.custom = CustomValueInput.values(row.custom, fields: customFields["opportunity"] ?? [])
        return opportunity
    }

    /// The wire leads of graph rows, in their order.
    func leads(_ graphs: [LeadGraph]) -> [Lead] {
        graphs.map { graph in
            let row = graph.lead
            let contacts = graph.contacts.map { $0.contact(fields: customFields["contact"] ?? []) }
            var lead = Lead(
                id: row.id, organizationID: row.organizationId, name: row.name, description: row.description, url: row.url,
                statusID: row.statusId, statusLabel: statuses[row.statusId]?.label ?? "",
                addresses: row.addresses, contacts: contacts, opportunities: [],
                createdBy: row.createdBy, createdByName: name(row.createdBy), updatedBy: row.updatedBy,
                updatedByName: name(row.updatedBy), dateCreated: CloseTimestamp(microseconds: row.dateCreated),
                dateUpdated: CloseTimestamp(microseconds: row.dateUpdated)
            )
            lead.custom = CustomValueInput.values(row.custom, fields: customFields["lead"] ?? [])
            let contactNames = Dictionary(contacts.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
            lead.opportunities = graph.opportunities.map {
                opportunity($0, leadName: lead.displayName, contactName: $0.contactId.flatMap { contactNames[$0] })
            }
            lead.tasks = graph.tasks.map {
                $0.task(self, leadName: lead.displayName, contactName: $0.contactId.flatMap { contactNames[$0] }, today: TaskDay(utcOffsetSeconds: 0))
            }
            return lead
        }
    }
}
