import ClosrModel
import SQLKit

/// A row of `activities`, its `fields` column parsed.
struct ActivityRow: Sendable {
    let id: String
    let organizationId: String
    let type: String
    let leadId: String?
    let contactId: String?
    let userId: String?
    let relatedId: String?
    let activityAt: Int64?
    let fields: [(String, JSONValue)]
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    /// The wire activity, with members' names from the directory.
    func activity(_ directory: CRMDirectory) -> Activity {
        Activity(
            type: type, id: id, organizationID: organizationId, leadID: leadId, contactID: contactId, userID: userId,
            userName: directory.name(userId), activityAt: activityAt.map(CloseTimestamp.init(microseconds:)),
            dateCreated: CloseTimestamp(microseconds: dateCreated), dateUpdated: CloseTimestamp(microseconds: dateUpdated),
            createdBy: createdBy, createdByName: directory.name(createdBy), updatedBy: updatedBy,
            updatedByName: directory.name(updatedBy), fields: fields
        )
    }

    /// The columns of a new activity row.
    static func insertColumns(
        id: String, kind: ActivityKind, leadID: String?, contactID: String?, userID: String?, activityAt: Int64?,
        fields: [(String, JSONValue)], createdBy: String?, at now: Int64
    ) -> [(column: String, value: any Encodable & Sendable)] {
        let related = kind.relatedMember.flatMap { member in fields.first { $0.0 == member }?.1.text }
        return [
            ("id", id), ("type", kind.type), ("lead_id", leadID), ("contact_id", contactID), ("user_id", userID),
            ("related_id", related), ("activity_at", activityAt), ("fields", JSONColumn.text(.object(fields))),
            ("created_by", createdBy), ("updated_by", createdBy), ("date_created", now), ("date_updated", now),
        ]
    }
}

extension ActivityRow: ColumnDecodable {
    init(_ columns: RowColumns) throws {
        id = try columns.string("id")
        organizationId = try columns.string("organization_id")
        type = try columns.string("type")
        leadId = try columns.optionalString("lead_id")
        contactId = try columns.optionalString("contact_id")
        userId = try columns.optionalString("user_id")
        relatedId = try columns.optionalString("related_id")
        activityAt = try columns.optionalInt("activity_at").map(Int64.init)
        fields = try columns.json("fields", fallback: .object([])).objectMembers ?? []
        createdBy = try columns.optionalString("created_by")
        updatedBy = try columns.optionalString("updated_by")
        dateCreated = try columns.int64("date_created")
        dateUpdated = try columns.int64("date_updated")
    }
}
