import ClosrModel
import Foundation
import SQLKit

/// Contacts on their own (close-api.md §6): a contact always belongs to a lead; created without one, it
/// gets a new lead named after it.
public struct ContactService: Sendable {
    public init() {}

    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Contact {
        var reader = try BodyReader(body)
        let leadID = reader.string("lead_id")
        let input = ContactInput(&reader)
        let custom = CustomValueInput(reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        let id = ClosrID.make(.contact)
        return try await principal.scope.write { db in
            let lead = try await LeadService.owningLead(leadID, newLeadName: input.name ?? "", userID: principal.userID, now: now, in: db)
            let directory = try await CRMDirectory.load(db)
            let fields = directory.customFields["contact"] ?? []
            let values = custom.isEmpty ? [:] : try await custom.applied(to: [:], fields: fields, in: db)
            let row = input.newRow(
                id: id, organizationID: db.organizationID, leadID: lead, userID: principal.userID, now: now,
                custom: CustomValueInput.object(values)
            )
            try await db.insert(into: .contacts, row.insertColumns).run()
            let contact = row.contact(fields: fields)
            try await EventLog.record(in: db, objectType: "contact", objectID: id, leadID: lead, action: "created", data: contact.jsonValue, origin: origin, at: now)
            return contact
        }
    }

    public func get(id: String, in scope: OrgScope) async throws -> Contact {
        try await scope.read { db in try await Self.contact(id: id, in: db) }
    }

    /// Contacts, oldest first, optionally of one lead.
    public func list(leadID: String?, skip: Int, limit: Int, in scope: OrgScope) async throws -> (contacts: [Contact], total: Int) {
        try await scope.read { db in
            var select = db.select(from: .contacts).column("*")
            var count = db.select(from: .contacts).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            if let leadID {
                select = select.where("lead_id", .equal, leadID)
                count = count.where("lead_id", .equal, leadID)
            }
            let rows = try await select.orderBy("date_created").orderBy("id").offset(skip).limit(limit)
                .all(ContactRow.self)
            let fields = try await CustomFieldService.fields("contact", in: db)
            return (rows.map { $0.contact(fields: fields) }, try await count.first(decodingColumn: "n", as: Int.self) ?? 0)
        }
    }

    /// Changes only the fields present in the body.
    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Contact {
        var reader = try BodyReader(body)
        let input = ContactInput(&reader)
        let custom = CustomValueInput(reader)
        try reader.validate()
        var changes: [(String, any Encodable & Sendable)] = []
        if let name = input.name ?? (reader.has("name") ? "" : nil) { changes.append(("name", name)) }
        if let title = input.title ?? (reader.has("title") ? "" : nil) { changes.append(("title", title)) }
        if let emails = input.emails { changes.append(("emails", JSONColumn.text(.array(emails)))) }
        if let phones = input.phones { changes.append(("phones", JSONColumn.text(.array(phones)))) }
        if let urls = input.urls { changes.append(("urls", JSONColumn.text(.array(urls)))) }
        let fieldChanges = changes
        let now = CloseTimestamp.now()
        return try await principal.scope.write { db in
            let before = try await Self.contact(id: id, in: db)
            var fieldChanges = fieldChanges
            if !custom.isEmpty {
                fieldChanges.append(("custom", try await custom.updatedText(of: .contacts, objectType: "contact", id: id, in: db)))
            }
            guard !fieldChanges.isEmpty else { return before }
            try await db.applyUpdate(.contacts, id: id, fieldChanges, userID: principal.userID, at: now.microseconds)
            let after = try await Self.contact(id: id, in: db)
            try await EventLog.recordUpdate(
                in: db, objectType: "contact", objectID: id, leadID: after.leadID, changed: fieldChanges.map(\.0),
                before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
            )
            return after
        }
    }

    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        try await principal.scope.write { db in
            let contact = try await Self.contact(id: id, in: db)
            try await db.update(.opportunities).set("contact_id", to: String?.none).where("contact_id", .equal, id).run()
            try await db.delete(from: .contacts).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "contact", objectID: id, leadID: contact.leadID, action: "deleted", data: nil, previousData: contact.jsonValue, origin: origin)
        }
    }

    static func contact(id: String, in db: TenantDatabase) async throws -> Contact {
        guard let row = try await db.select(from: .contacts).column("*").where("id", .equal, id)
            .first(ContactRow.self)
        else { throw CloseError.notFound("Contact not found") }
        return row.contact(fields: try await CustomFieldService.fields("contact", in: db))
    }
}
