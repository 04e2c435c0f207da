import ClosrModel
import SQLKit

/// The checks that an id a request names is this organization's: a lead, a contact (of a given lead
/// when there is one), a member. Each failure is the 400 field error Close gives, under the field the
/// request used.
enum References {
    static func requireLead(_ id: String, field: String = "lead_id", in db: TenantDatabase) async throws {
        if try await db.select(from: .leads).column("id").where("id", .equal, id).first() == nil {
            throw CloseError.validation([field: "Invalid lead id."])
        }
    }

    static func requireContact(_ id: String, ofLead leadID: String?, field: String = "contact_id", in db: TenantDatabase) async throws {
        var select = db.select(from: .contacts).column("id").where("id", .equal, id)
        if let leadID { select = select.where("lead_id", .equal, leadID) }
        if try await select.first() == nil {
            throw CloseError.validation([field: leadID == nil ? "Invalid contact id." : "Invalid contact id: not a contact of this lead."])
        }
    }

    static func requireMember(_ userID: String, field: String = "user_id", in db: TenantDatabase) async throws {
        if try await db.select(from: .memberships).column("id").where("user_id", .equal, userID).first() == nil {
            throw CloseError.validation([field: "Invalid user id."])
        }
    }
}
