import ClosrModel
import SQLKit

/// The names objects on a page show beside the ids they point at (`lead_name`, `contact_name`): two
/// reads for the whole page, whatever its size.
struct LeadAndContactNames {
    let leads: [String: String]
    let contacts: [String: String]

    static func load(leadIDs: [String], contactIDs: [String], in db: TenantDatabase) async throws -> LeadAndContactNames {
        var leads: [String: String] = [:]
        let leadIDs = Array(Set(leadIDs))
        if !leadIDs.isEmpty {
            for row in try await db.select(from: .leads).columns("id", "name").where("id", .in, leadIDs).all() {
                leads[try row.decode(column: "id", as: String.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        var contacts: [String: String] = [:]
        let contactIDs = Array(Set(contactIDs))
        if !contactIDs.isEmpty {
            for row in try await db.select(from: .contacts).column("*").where("id", .in, contactIDs).all(ContactRow.self) {
                contacts[row.id] = row.contact().displayName
            }
        }
        return LeadAndContactNames(leads: leads, contacts: contacts)
    }
}
