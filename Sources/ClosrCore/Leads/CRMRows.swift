import ClosrModel
import Foundation
import SQLKit
import Synchronization

/// Rows of the CRM tables, and the assembly of wire objects from them with the names Close inlines
/// (status labels, pipeline names, user names).
struct LeadRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let name: String
    let description: String
    let url: String?
    let statusId: String
    let addresses: String
    let custom: String
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case organizationId = "organization_id"
        case name
        case description
        case url
        case statusId = "status_id"
        case addresses
        case custom
        case createdBy = "created_by"
        case updatedBy = "updated_by"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}

struct ContactRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let leadId: String
    let name: String
    let title: String
    let emails: String
    let phones: String
    let urls: String
    let custom: String
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case organizationId = "organization_id"
        case leadId = "lead_id"
        case name
        case title
        case emails
        case phones
        case urls
        case custom
        case createdBy = "created_by"
        case updatedBy = "updated_by"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }


    /// The contact, with its custom values in the order of `fields` (contact custom fields).
    func contact(fields: [CustomField] = []) -> Contact {
        var contact = Contact(
            id: id, organizationID: organizationId, leadID: leadId, name: name, title: title,
            emails: JSONColumn.objects(emails).map {
                Contact.Email(type: $0["type"]?.text ?? "office", email: $0["email"]?.text ?? "",
                              isUnsubscribed: $0["is_unsubscribed"] == .bool(true))
            },
            phones: JSONColumn.objects(phones).map { Contact.Phone(type: $0["type"]?.text ?? "office", phone: $0["phone"]?.text ?? "") },
            urls: JSONColumn.objects(urls).map { Contact.URLEntry(type: $0["type"]?.text ?? "url", url: $0["url"]?.text ?? "") },
            createdBy: createdBy, updatedBy: updatedBy, dateCreated: CloseTimestamp(microseconds: dateCreated),
            dateUpdated: CloseTimestamp(microseconds: dateUpdated)
        )
        contact.custom = CustomValueInput.values(custom, fields: fields)
        return contact
    }
}

struct OpportunityRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let leadId: String
    let statusId: String
    let value: Int?
    let valuePeriod: String
    let valueCurrency: String
    let confidence: Int
    let note: String
    let dateWon: String?
    let userId: String?
    let contactId: String?
    let custom: String
    let createdBy: String?
    let updatedBy: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case organizationId = "organization_id"
        case leadId = "lead_id"
        case statusId = "status_id"
        case value
        case valuePeriod = "value_period"
        case valueCurrency = "value_currency"
        case confidence
        case note
        case dateWon = "date_won"
        case userId = "user_id"
        case contactId = "contact_id"
        case custom
        case createdBy = "created_by"
        case updatedBy = "updated_by"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}

/// Rows declare their snake_case column names in `CodingKeys`: converting key names on every column
/// of every row was over half the cost of listing leads.
let crmDecoder = SQLRowDecoder()

/// JSON text columns.
enum JSONColumn {
    static func text(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }

    static func objects(_ text: String) -> [JSONValue] {
        guard case .array(let values)? = try? JSONValue(parsing: Array(text.utf8)) else { return [] }
        return values
    }
}

extension JSONValue {
    /// The string inside `.string`, else nil.
    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// What assembling objects needs to know about an organization: its statuses, pipelines and members'
/// names. Read once per request.
struct CRMDirectory: Sendable {
    let statuses: [String: Status]
    let pipelines: [String: String]
    let userNames: [String: String]
    /// Custom field definitions by object type (`lead`, `contact`, `opportunity`).
    let customFields: [String: [CustomField]]

    /// The directory, from a cache kept per organization while the account signal has not moved
    /// (statuses, pipelines, members and custom fields all move it when they change).
    static func load(_ db: TenantDatabase) async throws -> CRMDirectory {
        guard let signal = db.accountChanges?.current() else { return try await read(db) }
        if let cached = CRMDirectoryCache.shared.directory(db.organizationID, signal: signal) { return cached }
        let directory = try await read(db)
        CRMDirectoryCache.shared.store(directory, for: db.organizationID, signal: signal)
        return directory
    }

    private static func read(_ db: TenantDatabase) async throws -> CRMDirectory {
        var statuses: [String: Status] = [:]
        for status in try await StatusService.statuses(.lead, in: db) + StatusService.statuses(.opportunity, in: db) {
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
            .all(decoding: CustomFieldService.Row.self, with: crmDecoder).map(\.field)
        return CRMDirectory(
            statuses: statuses, pipelines: pipelines, userNames: userNames,
            customFields: Dictionary(grouping: fields, by: \.objectType)
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
        opportunity.custom = CustomValueInput.values(row.custom, fields: customFields["opportunity"] ?? [])
        return opportunity
    }

    /// Leads with their contacts and opportunities, in the order of `rows`.
    func leads(_ rows: [LeadRow], in db: TenantDatabase) async throws -> [Lead] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        // Sorted here, not in SQL: an ORDER BY can lead the planner to walk the (organization, date) index
        // over every contact of the organization instead of looking up these leads' few.
        let contacts = try await db.select(from: .contacts).column("*").where("lead_id", .in, ids)
            .all(decoding: ContactRow.self, with: crmDecoder)
            .sorted { ($0.dateCreated, $0.id) < ($1.dateCreated, $1.id) }
            .map { $0.contact(fields: customFields["contact"] ?? []) }
        let opportunities = try await db.select(from: .opportunities).column("*").where("lead_id", .in, ids)
            .all(decoding: OpportunityRow.self, with: crmDecoder)
            .sorted { ($0.dateCreated, $0.id) < ($1.dateCreated, $1.id) }
        let contactsByLead = Dictionary(grouping: contacts, by: \.leadID)
        let contactNames = Dictionary(contacts.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        let opportunitiesByLead = Dictionary(grouping: opportunities, by: \.leadId)
        return rows.map { row in
            var lead = Lead(
                id: row.id, organizationID: row.organizationId, name: row.name, description: row.description, url: row.url,
                statusID: row.statusId, statusLabel: statuses[row.statusId]?.label ?? "",
                addresses: JSONColumn.objects(row.addresses), contacts: contactsByLead[row.id] ?? [], opportunities: [],
                createdBy: row.createdBy, createdByName: name(row.createdBy), updatedBy: row.updatedBy,
                updatedByName: name(row.updatedBy), dateCreated: CloseTimestamp(microseconds: row.dateCreated),
                dateUpdated: CloseTimestamp(microseconds: row.dateUpdated)
            )
            lead.custom = CustomValueInput.values(row.custom, fields: customFields["lead"] ?? [])
            lead.opportunities = (opportunitiesByLead[row.id] ?? []).map {
                opportunity($0, leadName: lead.displayName, contactName: $0.contactId.flatMap { contactNames[$0] })
            }
            return lead
        }
    }
}

/// Recently read directories by organization, each valid for one value of the account signal.
final class CRMDirectoryCache: Sendable {
    static let shared = CRMDirectoryCache()

    private let entries = Mutex<[String: (signal: UInt64, directory: CRMDirectory)]>([:])

    func directory(_ organizationID: String, signal: UInt64) -> CRMDirectory? {
        entries.withLock { entries in
            guard let entry = entries[organizationID], entry.signal == signal else { return nil }
            return entry.directory
        }
    }

    func store(_ directory: CRMDirectory, for organizationID: String, signal: UInt64) {
        entries.withLock { entries in
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[organizationID] = (signal, directory)
        }
    }
}
