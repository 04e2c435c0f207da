import ClosrModel
import SQLKit

/// Activities the server writes itself, each inside the transaction of the change it records
/// (close-api-more.md §B.4): `Created` for a new lead, `LeadStatusChange` and `OpportunityStatusChange`
/// when a status moves, `LeadMerge` on a merge, `TaskCompleted` when a task is completed. Each but
/// `Created` also writes its own `created` event, as Close's webhooks deliver them.
enum ServerActivities {
    /// The row of a lead's `Created` activity (`source`: how the lead came in, `api` for this API).
    static func created(leadID: String, userID: String?, source: String = "api", at now: CloseTimestamp) -> [(column: String, value: any Encodable & Sendable)] {
        var fields = ActivityKind.created.defaults
        ActivityService.set(&fields, "source", .string(source))
        return ActivityRow.insertColumns(
            id: ClosrID.make(.activity), kind: .created, leadID: leadID, contactID: nil, userID: userID,
            activityAt: now.microseconds, fields: fields, createdBy: userID, at: now.microseconds
        )
    }

    /// Writes a server activity and its event.
    static func record(
        _ kind: ActivityKind, leadID: String?, fields: [(String, JSONValue)], origin: RequestOrigin, at now: CloseTimestamp,
        in db: TenantDatabase
    ) async throws {
        let id = ClosrID.make(.activity)
        try await db.insert(into: .activities, ActivityRow.insertColumns(
            id: id, kind: kind, leadID: leadID, contactID: nil, userID: origin.userID, activityAt: now.microseconds,
            fields: fields, createdBy: origin.userID, at: now.microseconds
        )).run()
        guard let objectType = kind.eventObjectType else { return }
        let activity = try await ActivityService.activity(id: id, kind: kind, in: db)
        try await EventLog.record(
            in: db, objectType: objectType, objectID: id, leadID: leadID, action: "created", data: activity.jsonValue, origin: origin, at: now
        )
    }

    static func leadStatusChange(leadID: String, from old: String, to new: String, directory: CRMDirectory, origin: RequestOrigin, at now: CloseTimestamp, in db: TenantDatabase) async throws {
        var fields = ActivityKind.leadStatusChange.defaults
        ActivityService.set(&fields, "old_status_id", .string(old))
        ActivityService.set(&fields, "new_status_id", .string(new))
        try LeadStatusChangeRules.fill(&fields, directory: directory)
        try await record(.leadStatusChange, leadID: leadID, fields: fields, origin: origin, at: now, in: db)
    }

    static func opportunityStatusChange(before: Opportunity, after: Opportunity, origin: RequestOrigin, at now: CloseTimestamp, in db: TenantDatabase) async throws {
        let fields = OpportunityStatusChangeRules.fields(opportunity: after, oldStatusID: before.statusID, directory: try await CRMDirectory.load(db))
        try await record(.opportunityStatusChange, leadID: after.leadID, fields: fields, origin: origin, at: now, in: db)
    }

    static func leadMerge(source: Lead, destination: Lead, origin: RequestOrigin, at now: CloseTimestamp, in db: TenantDatabase) async throws {
        try await record(.leadMerge, leadID: destination.id, fields: [
            ("source_lead_id", .string(source.id)), ("source_lead_name", .string(source.displayName)),
            ("destination_lead_id", .string(destination.id)), ("destination_lead_name", .string(destination.displayName)),
        ], origin: origin, at: now, in: db)
    }

    static func taskCompleted(_ task: CloseTask, origin: RequestOrigin, at now: CloseTimestamp, in db: TenantDatabase) async throws {
        try await record(.taskCompleted, leadID: task.leadID, fields: [
            ("task_id", .string(task.id)), ("task_text", .string(task.text)), ("task_assigned_to", .string(task.assignedTo)),
            ("task_assigned_to_name", .string(task.assignedToName)),
        ], origin: origin, at: now, in: db)
    }
}

/// A `LeadStatusChange`'s labels from its status ids; POSTed ones only log history (the lead's status is
/// not changed).
enum LeadStatusChangeRules {
    static func fill(_ fields: inout [(String, JSONValue)], directory: CRMDirectory) throws {
        for side in ["old", "new"] {
            guard let id = ActivityService.value(fields, "\(side)_status_id").text else { continue }
            guard let status = directory.statuses[id], status.kind == .lead else {
                throw CloseError.validation(["\(side)_status_id": "Invalid lead status id."])
            }
            ActivityService.set(&fields, "\(side)_status_label", .string(status.label))
        }
    }
}

/// An `OpportunityStatusChange`'s members from the opportunity and its statuses.
enum OpportunityStatusChangeRules {
    static let type = "OpportunityStatusChange"

    /// Fills a POSTed status change from its opportunity; returns the lead it belongs to.
    static func fill(_ fields: inout [(String, JSONValue)], leadID: String?, directory: CRMDirectory, in db: TenantDatabase) async throws -> String {
        guard let opportunityID = ActivityService.value(fields, "opportunity_id").text,
              let opportunity = try? await OpportunityService.opportunity(id: opportunityID, in: db)
        else { throw CloseError.validation(["opportunity_id": "Invalid opportunity id."]) }
        if let leadID, leadID != opportunity.leadID {
            throw CloseError.validation(["lead_id": "The opportunity belongs to another lead."])
        }
        for side in ["old", "new"] {
            if let id = ActivityService.value(fields, "\(side)_status_id").text, directory.statuses[id]?.kind != .opportunity {
                throw CloseError.validation(["\(side)_status_id": "Invalid opportunity status id."])
            }
        }
        var opportunityAtNewStatus = opportunity
        if let new = ActivityService.value(fields, "new_status_id").text { opportunityAtNewStatus.statusID = new }
        fields = Self.fields(opportunity: opportunityAtNewStatus, oldStatusID: ActivityService.value(fields, "old_status_id").text, directory: directory)
        return opportunity.leadID
    }

    static func fields(opportunity: Opportunity, oldStatusID: String?, directory: CRMDirectory) -> [(String, JSONValue)] {
        let old = oldStatusID.flatMap { directory.statuses[$0] }
        let new = directory.statuses[opportunity.statusID]
        let pipeline = { (status: Status?) -> JSONValue in .string(status?.pipelineID.flatMap { directory.pipelines[$0] }) }
        return [
            ("opportunity_id", .string(opportunity.id)), ("old_status_id", .string(oldStatusID)), ("old_status_label", .string(old?.label)),
            ("old_status_type", .string(old?.type)), ("new_status_id", .string(opportunity.statusID)), ("new_status_label", .string(new?.label)),
            ("new_status_type", .string(new?.type)), ("old_pipeline_id", .string(old?.pipelineID)), ("old_pipeline_name", pipeline(old)),
            ("new_pipeline_id", .string(new?.pipelineID)), ("new_pipeline_name", pipeline(new)),
            ("opportunity_value", opportunity.value.map(JSONValue.int) ?? .null), ("opportunity_value_currency", .string(opportunity.valueCurrency)),
            ("opportunity_value_formatted", .null), ("opportunity_value_period", .string(opportunity.valuePeriod)),
            ("opportunity_confidence", .int(opportunity.confidence)),
            ("opportunity_date_won", .string(opportunity.dateWon.map { "\($0)T00:00:00+00:00" })),
        ]
    }
}
