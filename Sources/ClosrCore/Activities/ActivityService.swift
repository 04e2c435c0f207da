import ClosrModel
import Foundation
import SQLKit

/// Activities (close-api-more.md §B): the generic list and each type's endpoints. Closr sends no email,
/// SMS or call; it logs them as Close logs external ones, with the status as given.
public struct ActivityService: Sendable {
    public init() {}

    /// A type's path under `/activity/` and the verbs it takes there, for the routes.
    public struct Endpoint: Sendable {
        public let path: String
        public let canCreate: Bool
        public let canUpdate: Bool
        public let canDelete: Bool
    }

    public static let endpoints: [Endpoint] = ActivityKind.all.map {
        Endpoint(path: $0.path, canCreate: $0.canCreate, canUpdate: $0.canUpdate, canDelete: $0.canDelete)
    }

    static func kind(path: String) throws -> ActivityKind {
        guard let kind = ActivityKind.all.first(where: { $0.path == path }) else { throw CloseError.notFound("Not found") }
        return kind
    }

    // MARK: Create

    public func create(path: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Activity {
        let kind = try Self.kind(path: path)
        var reader = try BodyReader(body)
        let leadID = reader.string("lead_id")
        let contactID = reader.string("contact_id")
        let threadID = kind.type == ActivityKind.email.type ? reader.string("thread_id") : nil
        let userID = reader.has("user_id") ? reader.string("user_id") : principal.userID
        let activityAt = Self.timestamp(&reader, "activity_at")
        let dateCreated = Self.timestamp(&reader, "date_created")
        var fields = kind.defaults
        let givenMembers = Self.read(kind.writable, from: &reader, into: &fields)
        for member in kind.required where !givenMembers.contains(member) || Self.value(fields, member) == .null {
            reader.fail(member, "This field is required.")
        }
        if leadID == nil, kind.type != OpportunityStatusChangeRules.type { reader.fail("lead_id", "This field is required.") }
        Self.normalize(kind, &fields, given: givenMembers, creating: true, reader: &reader)
        let custom = CustomValueInput(reader)
        try reader.validate()
        // A backdated `date_created` (an import) dates the row; its event, outbox rows and the thread it
        // may start are dated now, so the log and webhooks keep their order.
        let now = CloseTimestamp.now()
        let created = dateCreated ?? now
        let id = ClosrID.make(.activity)
        let given = fields
        return try await principal.scope.write { db in
            var fields = given
            var leadID = leadID
            let directory = try await CRMDirectory.load(db)
            switch kind.type {
            case ActivityKind.leadStatusChange.type:
                try LeadStatusChangeRules.fill(&fields, directory: directory)
            case OpportunityStatusChangeRules.type:
                leadID = try await OpportunityStatusChangeRules.fill(&fields, leadID: leadID, directory: directory, in: db)
            case ActivityKind.custom.type:
                try await CustomActivityRules.apply(custom, to: &fields, creating: true, in: db)
            default:
                break
            }
            try await Self.checkReferences(leadID: leadID, contactID: contactID, userID: userID, in: db)
            if kind.type == ActivityKind.email.type {
                let thread = try await EmailThreads.thread(for: threadID, leadID: leadID, contactID: contactID, userID: userID, origin: origin, at: now, in: db)
                Self.set(&fields, "thread_id", .string(thread))
            }
            let columns = ActivityRow.insertColumns(
                id: id, kind: kind, leadID: leadID, contactID: contactID, userID: userID,
                activityAt: (activityAt ?? created).microseconds, fields: fields, createdBy: principal.userID, at: created.microseconds
            )
            try await db.insert(into: .activities, columns).run()
            if kind.type == ActivityKind.email.type, let thread = Self.value(fields, "thread_id").text {
                try await EmailThreads.refresh(thread, in: db)
            }
            let activity = try await Self.activity(id: id, kind: kind, in: db)
            if let objectType = kind.eventObjectType {
                try await EventLog.record(
                    in: db, objectType: objectType, objectID: id, leadID: activity.leadID, action: "created",
                    data: activity.jsonValue, origin: origin, at: now
                )
            }
            return activity
        }
    }

    // MARK: Read

    /// One activity; through a type's path only that type's (`/activity/note/{id}/` of a call is 404).
    public func get(path: String?, id: String, in scope: OrgScope) async throws -> Activity {
        let kind = try path.map(Self.kind(path:))
        return try await scope.read { db in try await Self.activity(id: id, kind: kind, in: db) }
    }

    static func activity(id: String, kind: ActivityKind?, in db: TenantDatabase) async throws -> Activity {
        var select = db.select(from: .activities).column("*").where("id", .equal, id)
        if let kind { select = select.where("type", .equal, kind.type) }
        guard let row = try await select.first(ActivityRow.self) else { throw CloseError.notFound("Activity not found") }
        return try await EmailThreads.withEmails([row.activity(try await CRMDirectory.load(db))], in: db)[0]
    }

    // MARK: Update

    public func update(path: String, id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Activity {
        let kind = try Self.kind(path: path)
        var reader = try BodyReader(body)
        let contactID: String?? = reader.has("contact_id") ? .some(reader.string("contact_id")) : nil
        let userID: String?? = reader.has("user_id") ? .some(reader.string("user_id")) : nil
        let activityAt = Self.timestamp(&reader, "activity_at")
        let updatable = kind.writable.filter { kind.updatable?.contains($0.key) ?? true }
        for key in reader.members.keys where kind.writable[key] != nil && updatable[key] == nil {
            reader.fail(key, "This field cannot be changed after creation.")
        }
        let custom = CustomValueInput(reader)
        let now = CloseTimestamp.now()
        let changes = reader
        return try await principal.scope.write { db in
            var reader = changes
            let before = try await Self.activity(id: id, kind: kind, in: db)
            var fields = before.fields
            let given = Self.read(updatable, from: &reader, into: &fields)
            if kind.type == ActivityKind.email.type || kind.type == ActivityKind.sms.type, !given.isEmpty,
               Self.value(before.fields, "status") != .string("draft") {
                throw CloseError.badRequest("Only drafts can be changed; this \(kind.type == "SMS" ? "SMS" : "email") is \(Self.value(before.fields, "status").text ?? "sent").")
            }
            Self.normalize(kind, &fields, given: given, creating: false, reader: &reader)
            try reader.validate()
            if kind.type == ActivityKind.custom.type {
                try await CustomActivityRules.apply(custom, to: &fields, creating: false, in: db)
            }
            // Every member that moved, derived ones included (`note` moves `note_html`).
            var changed = fields.filter { member in Self.value(before.fields, member.0) != member.1 }.map(\.0)
            var update = db.update(.activities).set("updated_by", to: principal.userID).set("date_updated", to: now.microseconds)
            if let contactID {
                if let contactID { try await References.requireContact(contactID, ofLead: before.leadID, in: db) }
                update = update.set("contact_id", to: contactID)
                changed.append("contact_id")
            }
            if let userID {
                if let userID { try await References.requireMember(userID, in: db) }
                update = update.set("user_id", to: userID)
                changed.append("user_id")
            }
            if let activityAt {
                update = update.set("activity_at", to: activityAt.microseconds)
                changed.append("activity_at")
            }
            guard !changed.isEmpty else { return before }
            try await update.set("fields", to: JSONColumn.text(.object(fields))).where("id", .equal, id).run()
            if kind.type == ActivityKind.email.type, let thread = Self.value(fields, "thread_id").text {
                try await EmailThreads.refresh(thread, in: db)
            }
            let after = try await Self.activity(id: id, kind: kind, in: db)
            if let objectType = kind.eventObjectType {
                try await EventLog.recordUpdate(
                    in: db, objectType: objectType, objectID: id, leadID: after.leadID, changed: changed,
                    before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
                )
            }
            return after
        }
    }

    // MARK: Delete

    public func delete(path: String, id: String, principal: Principal, origin: RequestOrigin) async throws {
        let kind = try Self.kind(path: path)
        try await principal.scope.write { db in
            let activity = try await Self.activity(id: id, kind: kind, in: db)
            try await db.delete(from: .activities).where("id", .equal, id).run()
            if kind.type == ActivityKind.emailThread.type {
                // Deleting a thread deletes its emails.
                try await db.delete(from: .activities).where("type", .equal, ActivityKind.email.type).where("related_id", .equal, id).run()
            }
            if kind.type == ActivityKind.email.type, let thread = activity["thread_id"]?.text {
                try await EmailThreads.refresh(thread, in: db)
            }
            if let objectType = kind.eventObjectType {
                try await EventLog.record(
                    in: db, objectType: objectType, objectID: id, leadID: activity.leadID, action: "deleted",
                    data: nil, previousData: activity.jsonValue, origin: origin
                )
            }
        }
    }

    // MARK: List

    /// What activity lists filter on (close-api-more.md §B.2).
    public struct Filter: Sendable {
        public var ids: [String]?
        public var leadIDs: [String]?
        public var contactIDs: [String]?
        public var userIDs: [String]?
        /// `_type`/`_type__in`: type names, `Custom`, or custom activity type ids.
        public var types: [String]?
        /// `opportunity_id`, `custom_activity_type_id`, `form_id`, `task_id`.
        public var relatedIDs: [String]?
        public var dateRanges: [(column: String, comparison: LeadQuery.Comparison, value: CloseTimestamp)] = []
        /// `thread_emails` on the generic list: nil lists each email, `true` threads with their emails
        /// instead, `only` threads only.
        public var threadEmails: String?
        /// `date_created` or `activity_at`.
        public var orderColumn = "date_created"
        public var descending = true

        public init() {}
    }

    /// The columns activity lists may be ordered and filtered by date on.
    public static let dateColumns: Set<String> = ["date_created", "activity_at", "date_updated"]

    /// A page, newest first unless ordered otherwise, and whether more follow.
    public func list(path: String?, _ filter: Filter, skip: Int, limit: Int, in scope: OrgScope) async throws -> (activities: [Activity], hasMore: Bool) {
        let kind = try path.map(Self.kind(path:))
        var typeNames: [String]? = kind.map { [$0.type] }
        /// Custom activities of these types, beside the named types (`_type__in=Note,actitype_…`).
        var customTypeIDs: [String]?
        if let types = filter.types {
            var names: [String] = []
            var customTypes: [String] = []
            for type in types {
                if type.hasPrefix("actitype_") { customTypes.append(type) }
                else if type == "Custom" { names.append(ActivityKind.custom.type) }
                else if ActivityKind.byType[type] != nil { names.append(type) }
                else { throw CloseError.badRequest("Unknown activity type '\(type)': use Note, Call, Email, EmailThread, SMS, WhatsAppMessage, Meeting, CustomActivity, Created, FormSubmission, LeadStatusChange, OpportunityStatusChange, LeadMerge, TaskCompleted, Custom or a custom activity type id") }
            }
            if !customTypes.isEmpty {
                if names.contains(ActivityKind.custom.type) {
                    // `Custom` already takes every custom activity; the ids add nothing.
                } else {
                    customTypeIDs = customTypes
                }
            }
            typeNames = typeNames.map { current in current.filter(names.contains) } ?? names
        }
        if kind == nil {
            // The generic list shows each email (default) or their threads, not both.
            let hidden = filter.threadEmails == nil ? ActivityKind.emailThread.type : ActivityKind.email.type
            typeNames = (typeNames ?? ActivityKind.all.map(\.type)).filter { $0 != hidden }
        }
        let selectedTypes = typeNames
        let selectedCustomTypes = kind == nil || kind?.type == ActivityKind.custom.type ? customTypeIDs : []
        let embedEmails = kind?.type == ActivityKind.emailThread.type || filter.threadEmails == "true"
        let related = filter.relatedIDs
        return try await scope.read { db in
            var select = db.select(from: .activities).column("*")
            if let ids = filter.ids { select = select.where("id", .in, ids) }
            if let ids = filter.leadIDs { select = select.where("lead_id", .in, ids) }
            if let ids = filter.contactIDs { select = select.where("contact_id", .in, ids) }
            if let ids = filter.userIDs { select = select.where("user_id", .in, ids) }
            switch (selectedTypes, selectedCustomTypes) {
            case (let names?, let customTypes?):
                select = select.where { group in
                    group.where("type", .in, names.isEmpty ? [""] : names).orWhere { custom in
                        custom.where("type", .equal, ActivityKind.custom.type).where("related_id", .in, customTypes.isEmpty ? [""] : customTypes)
                    }
                }
            case (let names?, nil):
                select = select.where("type", .in, names.isEmpty ? [""] : names)
            case (nil, let customTypes?):
                select = select.where("type", .equal, ActivityKind.custom.type).where("related_id", .in, customTypes.isEmpty ? [""] : customTypes)
            case (nil, nil):
                break
            }
            if let related { select = select.where("related_id", .in, related) }
            for range in filter.dateRanges {
                select = select.where(range.column, LeadQuerySQL.sqlOperator(range.comparison), range.value.microseconds)
            }
            let direction: SQLDirection = filter.descending ? .descending : .ascending
            let rows = try await select.orderBy(filter.orderColumn, direction).orderBy("id", direction)
                .offset(skip).limit(limit + 1).all(ActivityRow.self)
            let directory = try await CRMDirectory.load(db)
            let page = rows.prefix(limit).map { $0.activity(directory) }
            return (embedEmails ? try await EmailThreads.withEmails(page, in: db) : page, rows.count > limit)
        }
    }

    // MARK: Rules shared by create and update

    static func value(_ fields: [(String, JSONValue)], _ member: String) -> JSONValue {
        fields.first { $0.0 == member }?.1 ?? .null
    }

    static func set(_ fields: inout [(String, JSONValue)], _ member: String, _ value: JSONValue) {
        if let index = fields.firstIndex(where: { $0.0 == member }) { fields[index].1 = value } else { fields.append((member, value)) }
    }

    static func timestamp(_ reader: inout BodyReader, _ key: String) -> CloseTimestamp? {
        guard let text = reader.string(key) else { return nil }
        guard let time = CloseTimestamp(parsing: text) else {
            reader.fail(key, "Expected an ISO 8601 date or date-time.")
            return nil
        }
        return time
    }

    /// Reads the given members by their rules into `fields`; returns which were given.
    static func read(_ rules: [String: ActivityFieldRule], from reader: inout BodyReader, into fields: inout [(String, JSONValue)]) -> Set<String> {
        var given: Set<String> = []
        for (member, rule) in rules {
            guard let raw = reader.members[member] else { continue }
            switch rule.read(raw) {
            case .success(let value):
                set(&fields, member, value)
                given.insert(member)
            case .failure(let error):
                reader.fail(member, error.message)
            }
        }
        return given
    }

    /// Members derived from others: a note's text and rich text in step, an email's direction and
    /// preview, a scheduled message's time.
    static func normalize(_ kind: ActivityKind, _ fields: inout [(String, JSONValue)], given: Set<String>, creating: Bool, reader: inout BodyReader) {
        switch kind.type {
        case ActivityKind.note.type, ActivityKind.call.type:
            if given.contains("note_html"), let html = value(fields, "note_html").text {
                set(&fields, "note_html", .string(RichText.wrapped(html)))
                set(&fields, "note", .string(RichText.text(fromHTML: html)))
            } else if given.contains("note") {
                let text = value(fields, "note").text ?? ""
                set(&fields, "note", .string(text))
                set(&fields, "note_html", .string(RichText.html(fromText: text)))
            }
            if given.contains("pinned") {
                set(&fields, "pinned_at", value(fields, "pinned") == .bool(true) ? .timestamp(.now()) : .null)
            }
        case ActivityKind.meeting.type:
            if given.contains("user_note_html"), let html = value(fields, "user_note_html").text {
                set(&fields, "user_note_html", .string(RichText.wrapped(html)))
                set(&fields, "user_note", .string(RichText.text(fromHTML: html)))
                set(&fields, "user_note_date_updated", .timestamp(.now()))
            }
        case ActivityKind.email.type, ActivityKind.sms.type:
            let status = value(fields, "status").text ?? "sent"
            if creating, !given.contains("direction") {
                let incoming = kind.type == ActivityKind.email.type ? "incoming" : "inbound"
                let outgoing = kind.type == ActivityKind.email.type ? "outgoing" : "outbound"
                set(&fields, "direction", .string(status == "inbox" ? incoming : outgoing))
            }
            if status == "scheduled", value(fields, "date_scheduled") == .null {
                reader.fail("date_scheduled", "A scheduled message needs date_scheduled.")
            }
            if kind.type == ActivityKind.email.type {
                var text = value(fields, "body_text").text ?? ""
                if text.isEmpty, let html = value(fields, "body_html").text, !html.isEmpty {
                    text = RichText.text(fromHTML: html)
                    set(&fields, "body_text", .string(text))
                }
                set(&fields, "body_preview", .string(String(text.prefix(100))))
                if status == "sent", value(fields, "date_sent") == .null { set(&fields, "date_sent", .timestamp(.now())) }
            } else if status == "sent", value(fields, "date_sent") == .null {
                set(&fields, "date_sent", .timestamp(.now()))
            }
        case ActivityKind.custom.type:
            if value(fields, "status") == .string("published") { set(&fields, "last_published_at", .timestamp(.now())) }
            if given.contains("pinned") {
                set(&fields, "pinned_at", value(fields, "pinned") == .bool(true) ? .timestamp(.now()) : .null)
            }
        default:
            break
        }
    }

    /// The lead must be this organization's, the contact one of the lead's, the user a member.
    static func checkReferences(leadID: String?, contactID: String?, userID: String?, userField: String = "user_id", in db: TenantDatabase) async throws {
        if let leadID { try await References.requireLead(leadID, in: db) }
        if let contactID { try await References.requireContact(contactID, ofLead: leadID, in: db) }
        if let userID { try await References.requireMember(userID, field: userField, in: db) }
    }
}
