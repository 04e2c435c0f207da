import ClosrModel
import Foundation
import SQLKit

/// Leads and their nested contacts: create, read, list, partial update, delete, merge (close-api.md §5).
public struct LeadService: Sendable {
    /// A search stops after this long (a list with a `query` runs as a bounded read).
    public static let defaultSearchDeadline: Duration = .seconds(2)
    let searchDeadline: Duration
    /// How many documents a search's rarest word may have to drive it (``LeadSearchDriver``).
    let searchDriverCapacity: Int

    public init(searchDeadline: Duration = defaultSearchDeadline, searchDriverCapacity: Int = LeadSearchDriver.defaultCapacity) {
        self.searchDeadline = searchDeadline
        self.searchDriverCapacity = searchDriverCapacity
    }

    /// Creates a lead with its nested contacts in one transaction.
    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Lead {
        let new = try await prepareCreate(body, principal: principal, origin: origin, source: "api", at: .now())
        try await principal.scope.insert(new.rows, requiring: new.requirements)
        return new.lead
    }

    /// A new lead's rows (the lead, its contacts, its `Created` activity saying where it came from and its
    /// event), validated and not yet written, for callers that commit more rows with them (an inbound
    /// post's form submission).
    /// `directory`: the organization's, when the caller has read it already.
    func prepareCreate(
        _ body: JSONValue, principal: Principal, origin: RequestOrigin, source: String, at now: CloseTimestamp, directory: CRMDirectory? = nil
    ) async throws -> NewLead {
        var reader = try BodyReader(body)
        let name = reader.string("name", maxLength: 1000) ?? ""
        let description = reader.string("description", maxLength: 100_000) ?? ""
        let url = reader.string("url", maxLength: 2000)
        let statusID = reader.string("status_id")
        let statusLabel = reader.string("status")
        let addresses = Self.addresses(&reader)
        var contacts: [ContactInput] = []
        for (index, value) in (reader.array("contacts") ?? []).enumerated() {
            guard var nested = try? BodyReader(value) else {
                reader.fail("contacts", "Entry \(index) must be an object.")
                continue
            }
            contacts.append(ContactInput(&nested, prefix: "contacts.\(index)."))
            for (field, message) in nested.fieldErrors {
                reader.fail(field.hasPrefix("contacts.") ? field : "contacts.\(index).\(field)", message)
            }
        }
        let custom = CustomValueInput(reader)
        try reader.validate()
        let id = ClosrID.make(.lead)
        let scope = principal.scope
        // Configuration comes from the cache; a lead's rows are pure inserts, so they are committed
        // together with other requests' (``InsertBatcher``) and the response is built from them.
        let directory = if let directory { directory } else { try await scope.read { db in try await CRMDirectory.load(db) } }
        let status = try Self.resolveStatus(id: statusID, label: statusLabel, in: directory)
        let values = custom.isEmpty ? [:] : try await scope.read { db in
            try await custom.applied(to: [:], fields: directory.customFields["lead"] ?? [], in: db)
        }
        let row = LeadRow(
            id: id, organizationId: scope.organizationID, name: name, description: description, url: url, statusId: status,
            addresses: addresses ?? [], custom: CustomValueInput.object(values), createdBy: principal.userID,
            updatedBy: principal.userID, dateCreated: now.microseconds, dateUpdated: now.microseconds
        )
        let contactRows = contacts.map {
            $0.newRow(id: ClosrID.make(.contact), organizationID: scope.organizationID, leadID: id, userID: principal.userID, now: now)
        }
        let lead = directory.leads([LeadGraph(lead: row, contacts: contactRows, opportunities: [], tasks: [])])[0]
        let event = EventLog.columns(objectType: "lead", objectID: id, leadID: id, action: "created", data: .raw(lead.jsonText), origin: origin, at: now)
        // The status was checked against the cached configuration; it must still exist at the commit.
        return NewLead(
            lead: lead,
            rows: [scope.row(into: .leads, row.insertColumns)] + contactRows.map { scope.row(into: .contacts, $0.insertColumns) }
                + [scope.row(into: .activities, ServerActivities.created(leadID: id, userID: principal.userID, source: source, at: now)),
                   scope.row(into: .events, event)],
            requirements: [scope.requirement(.statuses, id: status, else: CloseError.validation(["status_id": "Invalid status id."]))]
        )
    }

    /// A lead ready to be inserted: its wire form and the rows that make it.
    struct NewLead: Sendable {
        let lead: Lead
        let rows: [TenantRow]
        let requirements: [TenantRequirement]
    }

    public func get(id: String, in scope: OrgScope) async throws -> Lead {
        try await scope.read { db in try await Self.lead(id: id, in: db) }
    }

    /// A page of leads, newest first unless `query` sorts otherwise, with the total count, read whole.
    public func list(query: LeadQuery, skip: Int, limit: Int, in scope: OrgScope) async throws -> (leads: [Lead], total: Int) {
        let page = try await page(query: query, skip: skip, limit: limit, in: scope)
        return (try await page.leads(page.ids[...]), page.total)
    }

    /// A page's lead ids, in order, and the total count; the leads themselves are read in batches as
    /// they are written out (``LeadPage``), so a page of leads with thousands of contacts each is never
    /// held whole.
    ///
    /// A list with query clauses may scan (a short word, a custom field's values): it runs as a bounded
    /// read, away from other requests' reads, and a statement past the search deadline answers 400.
    public func page(query: LeadQuery, skip: Int, limit: Int, in scope: OrgScope) async throws -> LeadPage {
        let (ids, total): ([String], Int)
        if query.clauses.isEmpty {
            (ids, total) = try await scope.read { db in try await Self.pageIDs(query, skip, limit, db, scope, driverCapacity: 0) }
        } else {
            do {
                let capacity = searchDriverCapacity
                (ids, total) = try await scope.boundedRead(deadline: searchDeadline) { db in
                    try await Self.pageIDs(query, skip, limit, db, scope, driverCapacity: capacity)
                }
            } catch let error as StatementDeadlineExceeded {
                throw CloseError.badRequest(
                    "This search took longer than \(Self.describe(error.limit)) and was stopped: use longer words or fewer of them, or narrow it with name:, email: or a date"
                )
            }
        }
        return LeadPage(ids: ids, total: total, scope: scope)
    }

    /// `2 s`, `250 ms`.
    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds >= 1000 && milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(max(milliseconds, 1)) ms"
    }

    private static func pageIDs(
        _ query: LeadQuery, _ skip: Int, _ limit: Int, _ db: TenantDatabase, _ scope: OrgScope, driverCapacity: Int
    ) async throws -> ([String], Int) {
        let directory = try await CRMDirectory.load(db)
        // The page's ids come from the list's index alone; only those rows are then read with their
        // children. Skipping deep into a million leads walks index entries, not table rows.
        // A search of several words starts from the leads of its rarest word (``LeadSearchDriver``).
        let driver = try await LeadSearchDriver.find(for: query, in: db, capacity: driverCapacity)
        func leads() -> SQLSelectBuilder {
            guard let driver else { return db.select(from: .leads) }
            return db.select(from: .leads, idsFrom: driver.candidates(in: db), of: .leadSearchDocs)
        }
        var ids = leads().column(SQLColumn("id", table: "leads"))
        var count = leads().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
        ids = try LeadQuerySQL.apply(query, to: ids, directory: directory, db: db, driver: driver)
        count = try LeadQuerySQL.apply(query, to: count, directory: directory, db: db, driver: driver)
        var skipping = skip
        if query.clauses.isEmpty, let descending = LeadQuerySQL.creationOrder(query), let cached = db.cached,
           skip >= cached.caches.bookmarks.stride {
            let bookmarks = cached.caches.bookmarks
            let signal = cached.versions[.leadCount]
            if let (bookmark, remaining) = bookmarks.seek(
                organizationID: db.organizationID, descending: descending, skip: skip, signal: signal
            ) {
                ids = LeadQuerySQL.after(bookmark, descending: descending, ids)
                skipping = remaining
            } else {
                bookmarks.build(in: scope, descending: descending)
            }
        }
        let pageIDs = try await LeadQuerySQL.order(query, ids).offset(skipping).limit(limit).all(decodingColumn: "id", as: String.self)
        let total = try await LeadCount.total(query.clauses.isEmpty ? nil : count, in: db)
        return (pageIDs, total)
    }

    /// Changes only the fields present in the body; `contacts` cannot be changed here (use /contact/).
    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Lead {
        var reader = try BodyReader(body)
        var changes: [(String, any Encodable & Sendable)] = []
        var changed: [String] = []
        for (field, maxLength) in [("name", 1000), ("description", 100_000)] where reader.has(field) {
            changes.append((field, reader.string(field, maxLength: maxLength) ?? ""))
            changed.append(field)
        }
        if reader.has("url") {
            changes.append(("url", reader.string("url", maxLength: 2000)))
            changed.append("url")
        }
        if reader.has("addresses") {
            changes.append(("addresses", JSONColumn.text(.array(Self.addresses(&reader) ?? []))))
            changed.append("addresses")
        }
        let statusID = reader.string("status_id")
        let statusLabel = reader.string("status")
        let custom = CustomValueInput(reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        let fieldChanges = changes
        let changedFields = changed
        return try await principal.scope.write { db in
            var changes = fieldChanges
            var changed = changedFields
            let before = try await Self.lead(id: id, in: db)
            let directory = try await CRMDirectory.load(db)
            var newStatus: String?
            if statusID != nil || statusLabel != nil {
                let status = try Self.resolveStatus(id: statusID, label: statusLabel, in: directory)
                changes.append(("status_id", status))
                changed.append("status_id")
                if status != before.statusID { newStatus = status }
            }
            if !custom.isEmpty {
                changes.append(("custom", try await custom.updatedText(of: .leads, objectType: "lead", id: id, in: db)))
                changed.append("custom")
            }
            guard !changes.isEmpty else { return before }
            try await db.applyUpdate(.leads, id: id, changes, userID: principal.userID, at: now.microseconds)
            let after = try await Self.lead(id: id, in: db)
            try await EventLog.recordUpdate(
                in: db, objectType: "lead", objectID: id, leadID: id, changed: changed, before: before.jsonValue,
                after: after.jsonValue, origin: origin, at: now
            )
            if let newStatus {
                try await ServerActivities.leadStatusChange(leadID: id, from: before.statusID, to: newStatus, directory: directory, origin: origin, at: now, in: db)
            }
            return after
        }
    }

    /// Deletes a lead with its contacts, opportunities, activities and tasks.
    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        try await principal.scope.write { db in
            let lead = try await Self.lead(id: id, in: db)
            try await db.delete(from: .activities).where("lead_id", .equal, id).run()
            try await db.delete(from: .tasks).where("lead_id", .equal, id).run()
            try await db.delete(from: .opportunities).where("lead_id", .equal, id).run()
            try await db.delete(from: .contacts).where("lead_id", .equal, id).run()
            try await db.delete(from: .leads).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "lead", objectID: id, leadID: id, action: "deleted", data: nil, previousData: lead.jsonValue, origin: origin)
        }
    }

    /// Folds `source` into `destination`: its contacts, opportunities, activities, tasks and tracked visitors
    /// move over, then it is deleted and the destination gets a `LeadMerge` activity.
    public func merge(source: String?, destination: String?, principal: Principal, origin: RequestOrigin) async throws {
        guard let source, let destination else {
            throw CloseError.validation(["source": "Both source and destination lead ids are required."])
        }
        guard source != destination else { throw CloseError.validation(["destination": "A lead cannot be merged into itself."]) }
        let now = CloseTimestamp.now()
        try await principal.scope.write { db in
            let from = try await Self.lead(id: source, in: db)
            let into = try await Self.lead(id: destination, in: db)
            for table in [TenantTable.contacts, .opportunities, .activities, .tasks, .visitorLeads] {
                try await db.update(table).set("lead_id", to: destination).where("lead_id", .equal, source).run()
            }
            try await db.update(.leads).set("date_updated", to: now.microseconds).set("updated_by", to: principal.userID)
                .where("id", .equal, destination).run()
            try await db.delete(from: .leads).where("id", .equal, source).run()
            try await EventLog.record(
                in: db, objectType: "lead", objectID: source, leadID: destination, action: "merged",
                data: .object([("source", .string(source)), ("destination", .string(destination))]),
                previousData: from.jsonValue, origin: origin, at: now
            )
            try await ServerActivities.leadMerge(source: from, destination: into, origin: origin, at: now, in: db)
        }
    }

    /// The lead a contact or opportunity is created on: the given one, which must exist, or — as Close
    /// does when none is given — a new lead with only a name and the default status.
    static func owningLead(_ leadID: String?, newLeadName: String, userID: String, now: CloseTimestamp, in db: TenantDatabase) async throws -> String {
        if let leadID {
            try await References.requireLead(leadID, in: db)
            return leadID
        }
        let id = ClosrID.make(.lead)
        try await db.insert(into: .leads, [
            ("id", id), ("name", newLeadName), ("description", ""), ("url", String?.none),
            ("status_id", try await resolveStatus(id: nil, label: nil, in: CRMDirectory.load(db))), ("addresses", StoredJSON("[]")), ("custom", StoredJSON("{}")),
            ("created_by", userID), ("updated_by", userID), ("date_created", now.microseconds), ("date_updated", now.microseconds),
        ]).run()
        try await db.insert(into: .activities, ServerActivities.created(leadID: id, userID: userID, at: now)).run()
        return id
    }

    static func lead(id: String, in db: TenantDatabase) async throws -> Lead {
        guard let graph = try await LeadGraph.columns(db.select(from: .leads)).where(SQLColumn("id", table: "leads"), .equal, SQLBind(id))
            .first(LeadGraph.self) else {
            throw CloseError.notFound("Lead not found")
        }
        return try await CRMDirectory.load(db).leads([graph])[0]
    }

    /// The status by id or label; with neither, the organization's first lead status.
    static func resolveStatus(id: String?, label: String?, in directory: CRMDirectory) throws -> String {
        let statuses = directory.leadStatuses
        if let id {
            guard statuses.contains(where: { $0.id == id }) else { throw CloseError.validation(["status_id": "Invalid status id."]) }
            return id
        }
        if let label {
            guard let match = statuses.first(where: { $0.label.caseInsensitiveCompare(label) == .orderedSame }) else {
                throw CloseError.validation(["status": "No lead status is labelled \"\(label)\"."])
            }
            return match.id
        }
        guard let first = statuses.first else { throw CloseError.validation(["status_id": "The organization has no lead statuses."]) }
        return first.id
    }

    static let addressFields = ["label", "address_1", "address_2", "city", "state", "zipcode", "country"]

    /// `addresses`: objects with Close's address fields, each a string or null.
    static func addresses(_ reader: inout BodyReader) -> [JSONValue]? {
        guard let values = reader.array("addresses") else { return nil }
        var result: [JSONValue] = []
        for (index, value) in values.enumerated() {
            guard value.objectMembers != nil else {
                reader.fail("addresses", "Entry \(index) must be an object.")
                continue
            }
            result.append(.object(addressFields.map { field in
                (field, value[field]?.text.map(JSONValue.string) ?? (field == "label" ? .string("business") : .null))
            }))
        }
        return result
    }
}
