import ClosrModel
import Foundation
import SQLKit

/// Tasks (close-api-more.md §C): `lead` and `outgoing_call` tasks created by users, the inbox
/// notification types listed (empty until something creates them), the time-zone-aware views, bulk
/// updates, and a `TaskCompleted` activity whenever a task is completed.
public struct TaskService: Sendable {
    public init() {}

    /// The types a list may name; only the first two can be created through the API.
    public static let types = [
        "lead", "outgoing_call", "missed_call", "voicemail", "incoming_email", "email_followup",
        "answered_detached_call", "opportunity_due", "incoming_sms",
    ]
    static let creatableTypes: Set<String> = ["lead", "outgoing_call"]
    /// The most tasks one bulk update may change.
    public static let maxBulk = 1000

    /// The writable fields of a task as given; nil means "not given".
    struct Input {
        var text: String?
        var contactID: String??
        var assignedTo: String??
        /// (stored text, instant, date only) or .some(nil) to clear.
        var date: (text: String, at: Int64, dateOnly: Bool)??
        var dueDate: String??
        var isComplete: Bool?
        var isDateless: Bool?
        var priority: String??
        var resolution: String??

        init(_ reader: inout BodyReader) {
            if reader.has("text") { text = reader.string("text", maxLength: 10_000) ?? "" }
            if reader.has("contact_id") { contactID = .some(reader.string("contact_id")) }
            if reader.has("assigned_to") { assignedTo = .some(reader.string("assigned_to")) }
            if reader.has("date") { date = .some(Self.date(&reader, "date")) }
            if reader.has("due_date") { dueDate = .some(Self.date(&reader, "due_date")?.text) }
            isComplete = reader.bool("is_complete")
            isDateless = reader.bool("is_dateless")
            if reader.has("priority") { priority = .some(Self.choice(&reader, "priority", ["high", "medium"])) }
            if reader.has("resolution") { resolution = .some(Self.choice(&reader, "resolution", ["abandoned", "skipped"])) }
        }

        static func choice(_ reader: inout BodyReader, _ key: String, _ choices: [String]) -> String? {
            guard let value = reader.string(key) else { return nil }
            guard choices.contains(value) else {
                reader.fail(key, "Use one of: \(choices.joined(separator: ", ")), or null.")
                return nil
            }
            return value
        }

        /// A date (`2026-12-06`, kept as a date) or a date-time (kept in Close's form).
        static func date(_ reader: inout BodyReader, _ key: String) -> (text: String, at: Int64, dateOnly: Bool)? {
            guard let text = reader.string(key) else { return nil }
            guard let time = CloseTimestamp(parsing: text) else {
                reader.fail(key, "Expected a date (YYYY-MM-DD) or an ISO 8601 date-time.")
                return nil
            }
            let dateOnly = !text.contains("T") && !text.contains(" ")
            return (dateOnly ? String(time.iso8601.prefix(10)) : time.iso8601, time.microseconds, dateOnly)
        }
    }

    // MARK: Create

    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CloseTask {
        var reader = try BodyReader(body)
        let type = reader.string("_type") ?? "lead"
        if !Self.creatableTypes.contains(type) {
            reader.fail("_type", "Only lead and outgoing_call tasks can be created through the API.")
        }
        let leadID = reader.string("lead_id")
        if leadID == nil { reader.fail("lead_id", "This field is required.") }
        let input = Input(&reader)
        if type == "lead", (input.text ?? "").isEmpty { reader.fail("text", "This field is required.") }
        if type == "outgoing_call", input.contactID == nil || input.contactID! == nil { reader.fail("contact_id", "This field is required.") }
        let dateCreated = ActivityService.timestamp(&reader, "date_created")
        try reader.validate()
        // A backdated `date_created` dates the row only; its event is dated now (see ActivityService).
        let now = CloseTimestamp.now()
        let created = dateCreated ?? now
        let id = ClosrID.make(.task)
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        return try await principal.scope.write { db in
            let assignedTo = input.assignedTo ?? principal.userID
            let contactID = input.contactID ?? nil
            try await ActivityService.checkReferences(leadID: leadID, contactID: contactID, userID: assignedTo, userField: "assigned_to", in: db)
            let date = input.date ?? nil
            let complete = input.isComplete ?? false
            try await db.insert(into: .tasks, [
                ("id", id), ("type", type), ("lead_id", leadID), ("contact_id", contactID), ("assigned_to", assignedTo),
                ("text", input.text ?? ""), ("date", date?.text), ("date_at", date?.at), ("date_only", date?.dateOnly == false ? 0 : 1),
                ("due_date", input.dueDate ?? nil), ("is_complete", complete ? 1 : 0),
                ("is_dateless", (input.isDateless ?? (date == nil)) ? 1 : 0), ("priority", input.priority ?? nil),
                ("resolution", input.resolution ?? nil), ("created_by", principal.userID), ("updated_by", principal.userID),
                ("date_created", created.microseconds), ("date_updated", created.microseconds),
            ]).run()
            let task = try await Self.task(id: id, day: day, in: db)
            try await EventLog.record(in: db, objectType: "task.\(type)", objectID: id, leadID: leadID, action: "created", data: task.jsonValue, origin: origin, at: now)
            if complete { try await ServerActivities.taskCompleted(task, origin: origin, at: now, in: db) }
            return task
        }
    }

    // MARK: Read

    public func get(id: String, origin: RequestOrigin, in scope: OrgScope) async throws -> CloseTask {
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        return try await scope.read { db in try await Self.task(id: id, day: day, in: db) }
    }

    static func task(id: String, day: TaskDay, in db: TenantDatabase) async throws -> CloseTask {
        guard let row = try await db.select(from: .tasks).column("*").where("id", .equal, id).first(TaskRow.self) else {
            throw CloseError.notFound("Task not found")
        }
        return try await assemble([row], day: day, in: db)[0]
    }

    static func assemble(_ rows: [TaskRow], day: TaskDay, in db: TenantDatabase) async throws -> [CloseTask] {
        guard !rows.isEmpty else { return [] }
        let directory = try await CRMDirectory.load(db)
        let names = try await LeadAndContactNames.load(leadIDs: rows.compactMap(\.leadId), contactIDs: rows.compactMap(\.contactId), in: db)
        return rows.map { row in
            row.task(directory, leadName: row.leadId.flatMap { names.leads[$0] }, contactName: row.contactId.flatMap { names.contacts[$0] }, today: day)
        }
    }

    // MARK: Update

    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CloseTask {
        var reader = try BodyReader(body)
        let input = Input(&reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        return try await principal.scope.write { db in
            try await Self.apply(input, to: id, principal: principal, origin: origin, day: day, at: now, in: db)
        }
    }

    /// Applies `input` to one task inside an open transaction: one event (`completed` when it completes
    /// the task, else `updated`) and, on completion, a `TaskCompleted` activity.
    static func apply(_ input: Input, to id: String, principal: Principal, origin: RequestOrigin, day: TaskDay, at now: CloseTimestamp, in db: TenantDatabase) async throws -> CloseTask {
        let before = try await task(id: id, day: day, in: db)
        var changes: [(String, any Encodable & Sendable)] = []
        if let text = input.text {
            guard before.type == "lead" else { throw CloseError.validation(["text": "Only a lead task's text can be changed."]) }
            guard !text.isEmpty else { throw CloseError.validation(["text": "This field is required."]) }
            changes.append(("text", text))
        }
        if let contactID = input.contactID {
            if let contactID { try await References.requireContact(contactID, ofLead: before.leadID, in: db) }
            changes.append(("contact_id", contactID))
        }
        if let assignedTo = input.assignedTo {
            if let assignedTo { try await References.requireMember(assignedTo, field: "assigned_to", in: db) }
            changes.append(("assigned_to", assignedTo))
        }
        if let date = input.date {
            changes += [("date", date?.text), ("date_at", date?.at), ("date_only", date?.dateOnly == false ? 0 : 1)]
            if input.isDateless == nil { changes.append(("is_dateless", date == nil ? 1 : 0)) }
        }
        if let dueDate = input.dueDate { changes.append(("due_date", dueDate)) }
        if let complete = input.isComplete { changes.append(("is_complete", complete ? 1 : 0)) }
        if let dateless = input.isDateless { changes.append(("is_dateless", dateless ? 1 : 0)) }
        if let priority = input.priority { changes.append(("priority", priority)) }
        if let resolution = input.resolution { changes.append(("resolution", resolution)) }
        guard !changes.isEmpty else { return before }
        try await db.applyUpdate(.tasks, id: id, changes, userID: principal.userID, at: now.microseconds)
        let after = try await task(id: id, day: day, in: db)
        let completed = !before.isComplete && after.isComplete
        let changed = Array(Set(changes.map(\.0).filter { $0 != "date_at" && $0 != "date_only" })).sorted()
        try await EventLog.recordUpdate(
            in: db, objectType: "task.\(after.type)", objectID: id, leadID: after.leadID, action: completed ? "completed" : "updated",
            changed: changed, before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
        )
        if completed { try await ServerActivities.taskCompleted(after, origin: origin, at: now, in: db) }
        return after
    }

    /// `PUT /task/`: the same change to every task the filter selects, in one transaction.
    public func bulkUpdate(_ filter: Filter, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws {
        guard filter.selectsSomething else {
            throw CloseError.badRequest("A bulk update needs a filter (id__in, lead_id, view, …) in _params or the query string")
        }
        var reader = try BodyReader(body)
        for key in reader.members.keys where !["_params", "assigned_to", "date", "is_complete", "priority", "resolution", "text", "due_date", "is_dateless"].contains(key) {
            reader.fail(key, "A bulk update can change assigned_to, date, due_date, is_complete, is_dateless, priority, resolution and text.")
        }
        let input = Input(&reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        try await principal.scope.write { db in
            let ids = try await Self.filtered(filter, day: day, db.select(from: .tasks).column("id"))
                .orderBy("date_created").orderBy("id").limit(Self.maxBulk + 1).all(decodingColumn: "id", as: String.self)
            guard ids.count <= Self.maxBulk else {
                throw CloseError.badRequest("A bulk update may change at most \(Self.maxBulk) tasks; narrow the filter (id__in, lead_id, view, …).")
            }
            for id in ids { _ = try await Self.apply(input, to: id, principal: principal, origin: origin, day: day, at: now, in: db) }
        }
    }

    // MARK: Delete

    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        try await principal.scope.write { db in
            let task = try await Self.task(id: id, day: day, in: db)
            try await db.delete(from: .tasks).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "task.\(task.type)", objectID: id, leadID: task.leadID, action: "deleted", data: nil, previousData: task.jsonValue, origin: origin)
        }
    }

    // MARK: List

    /// What task lists (and bulk updates) select on (close-api-more.md §C), read from query parameters or
    /// a bulk update's `_params` by the same code.
    public struct Filter: Sendable {
        var ids: [String]?
        var types: [String]?
        var leadIDs: [String]?
        var assignedTo: [String]?
        var isComplete: Bool?
        /// `inbox`, `future` or `archive`.
        var view: String?
        var ranges: [(column: String, comparison: LeadQuery.Comparison, value: Int64, text: String)] = []
        var orderBy: [(column: String, descending: Bool)] = []

        /// The parameters a task filter reads; a bulk update's `_params` may hold only these.
        public static let parameterNames: Set<String> = {
            var names: Set<String> = ["id", "id__in", "_type", "_type__in", "lead_id", "lead_id__in", "assigned_to", "assigned_to__in", "is_complete", "view", "_order_by"]
            for column in ["date", "due_date", "date_created", "date_updated"] {
                for suffix in ["", "__gt", "__gte", "__lt", "__lte"] { names.insert(column + suffix) }
            }
            return names
        }()

        /// Whether any condition narrows the selection.
        var selectsSomething: Bool {
            ids != nil || types != nil || leadIDs != nil || assignedTo != nil || isComplete != nil || view != nil || !ranges.isEmpty
        }

        public init(parameter: (String) -> String?) throws {
            func list(_ name: String) throws -> [String]? { try ListFilterValues.parse(name, parameter) }
            ids = try list("id")
            types = try list("_type")
            if let types, let unknown = types.first(where: { !TaskService.types.contains($0) && $0 != "all" }) {
                throw CloseError.badRequest("Unknown task type '\(unknown)': use \(TaskService.types.joined(separator: ", ")) or all")
            }
            if types?.contains("all") == true { self.types = nil }
            leadIDs = try list("lead_id")
            assignedTo = try list("assigned_to")
            if let text = parameter("is_complete") {
                switch text.lowercased() {
                case "true", "1": isComplete = true
                case "false", "0": isComplete = false
                default: throw CloseError.badRequest("is_complete must be true or false")
                }
            }
            if let text = parameter("view") {
                guard ["inbox", "future", "archive"].contains(text) else { throw CloseError.badRequest("view must be inbox, future or archive") }
                view = text
            }
            ranges = try DateBounds.parse(["date", "due_date", "date_created", "date_updated"], equality: true, parameter)
                .map { ($0.column, $0.comparison, $0.value.microseconds, $0.text) }
            for field in (parameter("_order_by") ?? "").split(separator: ",") {
                let descending = field.hasPrefix("-")
                let column = String(descending ? field.dropFirst() : field)
                guard ["date", "date_created", "date_updated", "due_date"].contains(column) else {
                    throw CloseError.badRequest("Cannot order tasks by '\(column)': use date, due_date, date_created or date_updated")
                }
                if !orderBy.contains(where: { $0.column == column }) { orderBy.append((column, descending)) }
            }
        }
    }

    static func filtered(_ filter: Filter, day: TaskDay, _ select: SQLSelectBuilder) -> SQLSelectBuilder {
        var select = select
        if let ids = filter.ids { select = select.where("id", .in, ids) }
        if let types = filter.types { select = select.where("type", .in, types) }
        if let ids = filter.leadIDs { select = select.where("lead_id", .in, ids) }
        if let ids = filter.assignedTo { select = select.where("assigned_to", .in, ids) }
        if let complete = filter.isComplete { select = select.where("is_complete", .equal, complete ? 1 : 0) }
        switch filter.view {
        case "inbox": select = select.where(day.condition(inbox: true))
        case "future": select = select.where(day.condition(inbox: false))
        case "archive": select = select.where("is_complete", .equal, 1)
        default: break
        }
        for range in filter.ranges {
            // `date` and `due_date` compare as instants (`date_at`) or as the text of a date.
            let op = LeadQuerySQL.sqlOperator(range.comparison)
            switch range.column {
            case "date": select = select.where("date_at", op, range.value)
            case "due_date": select = select.where("due_date", op, String(range.text.prefix(10)))
            default: select = select.where(range.column, op, range.value)
            }
        }
        return select
    }

    /// A page in the filter's order (newest first by default) and whether more follow.
    public func list(_ filter: Filter, skip: Int, limit: Int, origin: RequestOrigin, in scope: OrgScope) async throws -> (tasks: [CloseTask], hasMore: Bool) {
        let day = TaskDay(utcOffsetSeconds: origin.utcOffsetSeconds)
        return try await scope.read { db in
            var select = Self.filtered(filter, day: day, db.select(from: .tasks).column("*"))
            for order in filter.orderBy {
                select = select.orderBy(order.column == "date" ? "date_at" : order.column, order.descending ? .descending : .ascending)
            }
            if filter.orderBy.isEmpty { select = select.orderBy("date_created", .descending) }
            let rows = try await select.orderBy("id").offset(skip).limit(limit + 1).all(TaskRow.self)
            return (try await Self.assemble(Array(rows.prefix(limit)), day: day, in: db), rows.count > limit)
        }
    }
}
