import ClosrModel
import SQLKit

/// A row of `tasks`.
struct TaskRow: Sendable, ColumnDecodable {
    let id: String
    let organizationId: String
    let type: String
    let leadId: String?
    let contactId: String?
    let assignedTo: String?
    let text: String
    let date: String?
    let dateAt: Int64?
    let dateOnly: Bool
    let dueDate: String?
    let isComplete: Bool
    let isDateless: Bool
    let priority: String?
    let resolution: String?
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    /// The columns a ``LeadGraph`` aggregates, in the order `init(graph:)` reads them.
    static let graphColumns = LeadGraph.columns(
        of: "t", ["id", "type", "contact_id", "assigned_to", "text", "date", "date_at", "date_only", "due_date", "is_complete",
                  "is_dateless", "priority", "resolution", "created_by", "updated_by", "date_created", "date_updated"],
        json: []
    )

    init(graph value: JSONValue, organizationID: String, leadID: String) {
        var values = JSONRowValues(value)
        id = values.string()
        organizationId = organizationID
        leadId = leadID
        type = values.string()
        contactId = values.optionalString()
        assignedTo = values.optionalString()
        text = values.string()
        date = values.optionalString()
        dateAt = values.optionalInt().map(Int64.init)
        dateOnly = values.int() != 0
        dueDate = values.optionalString()
        isComplete = values.int() != 0
        isDateless = values.int() != 0
        priority = values.optionalString()
        resolution = values.optionalString()
        createdBy = values.optionalString()
        updatedBy = values.optionalString()
        dateCreated = values.int64()
        dateUpdated = values.int64()
    }

    init(_ columns: RowColumns) throws {
        id = try columns.string("id")
        organizationId = try columns.string("organization_id")
        type = try columns.string("type")
        leadId = try columns.optionalString("lead_id")
        contactId = try columns.optionalString("contact_id")
        assignedTo = try columns.optionalString("assigned_to")
        text = try columns.string("text")
        date = try columns.optionalString("date")
        dateAt = try columns.optionalInt("date_at").map(Int64.init)
        dateOnly = try columns.int("date_only") != 0
        dueDate = try columns.optionalString("due_date")
        isComplete = try columns.int("is_complete") != 0
        isDateless = try columns.int("is_dateless") != 0
        priority = try columns.optionalString("priority")
        resolution = try columns.optionalString("resolution")
        createdBy = try columns.optionalString("created_by")
        updatedBy = try columns.optionalString("updated_by")
        dateCreated = try columns.int64("date_created")
        dateUpdated = try columns.int64("date_updated")
    }

    /// The wire task for a caller whose day is `today`.
    func task(_ directory: CRMDirectory, leadName: String?, contactName: String?, today: TaskDay) -> CloseTask {
        CloseTask(
            type: type, id: id, organizationID: organizationId, leadID: leadId, leadName: leadName, contactID: contactId,
            contactName: contactName, assignedTo: assignedTo, assignedToName: directory.name(assignedTo), text: text, date: date,
            dueDate: dueDate, isComplete: isComplete, isDateless: isDateless, priority: priority, resolution: resolution,
            view: today.view(isComplete: isComplete, date: date, dateAt: dateAt, dateOnly: dateOnly),
            createdBy: createdBy, createdByName: directory.name(createdBy), updatedBy: updatedBy,
            updatedByName: directory.name(updatedBy), dateCreated: CloseTimestamp(microseconds: dateCreated),
            dateUpdated: CloseTimestamp(microseconds: dateUpdated)
        )
    }
}

/// The caller's today (close-api-more.md §C): `inbox` holds incomplete tasks due by the end of it,
/// `future` those due later, `archive` completed ones. A task's date without a time is compared as a
/// date where the caller is; one with a time as an instant.
public struct TaskDay: Sendable {
    /// `YYYY-MM-DD` of the caller's tomorrow.
    let tomorrow: String
    /// The instant the caller's tomorrow begins, in microseconds.
    let tomorrowStarts: Int64

    public init(utcOffsetSeconds: Int, now: CloseTimestamp = .now()) {
        let offset = Int64(utcOffsetSeconds) * 1_000_000
        let day: Int64 = 86_400_000_000
        let local = now.microseconds + offset
        let localMidnight = local - ((local % day) + day) % day
        tomorrow = String(CloseTimestamp(microseconds: localMidnight + day).iso8601.prefix(10))
        tomorrowStarts = localMidnight + day - offset
    }

    func view(isComplete: Bool, date: String?, dateAt: Int64?, dateOnly: Bool) -> String {
        if isComplete { return "archive" }
        guard let date, let dateAt else { return "inbox" }
        return (dateOnly ? String(date.prefix(10)) < tomorrow : dateAt < tomorrowStarts) ? "inbox" : "future"
    }

    /// `inbox` or `future` as a condition on `tasks`.
    func condition(inbox: Bool) -> any SQLExpression {
        let dateOnly = SQLBinaryExpression(SQLColumn("date_only"), .equal, SQLBind(1))
        let timed = SQLBinaryExpression(SQLColumn("date_only"), .equal, SQLBind(0))
        let dateDue = SQLBinaryExpression(SQLColumn("date"), inbox ? .lessThan : .greaterThanOrEqual, SQLBind(tomorrow))
        let instantDue = SQLBinaryExpression(SQLColumn("date_at"), inbox ? .lessThan : .greaterThanOrEqual, SQLBind(tomorrowStarts))
        let dated = SQLBinaryExpression(
            SQLGroupExpression(SQLBinaryExpression(dateOnly, .and, dateDue)), .or,
            SQLGroupExpression(SQLBinaryExpression(timed, .and, instantDue))
        )
        let incomplete = SQLBinaryExpression(SQLColumn("is_complete"), .equal, SQLBind(0))
        if inbox {
            let dateless = SQLBinaryExpression(SQLColumn("date_at"), .is, SQLLiteral.null)
            return SQLBinaryExpression(incomplete, .and, SQLGroupExpression(SQLBinaryExpression(dateless, .or, SQLGroupExpression(dated))))
        }
        return SQLBinaryExpression(incomplete, .and, SQLGroupExpression(dated))
    }
}
