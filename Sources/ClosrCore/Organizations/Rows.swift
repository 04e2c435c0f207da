import ClosrModel
import SQLKit

/// Rows of the account tables and their wire forms.
struct OrganizationRow: Decodable, Sendable {
    let id: String
    let name: String
    let currency: String
    let dateCreated: Int64
    let dateUpdated: Int64

    func organization(memberships: [Membership]) -> Organization {
        Organization(
            id: id, name: name, currency: currency,
            dateCreated: CloseTimestamp(microseconds: dateCreated), dateUpdated: CloseTimestamp(microseconds: dateUpdated),
            memberships: memberships
        )
    }
}

struct UserRow: Decodable, Sendable {
    let id: String
    let email: String
    let firstName: String
    let lastName: String
    let image: String?
    let dateCreated: Int64
    let dateUpdated: Int64

    var user: User {
        User(
            id: id, firstName: firstName, lastName: lastName, email: email, image: image,
            dateCreated: CloseTimestamp(microseconds: dateCreated), dateUpdated: CloseTimestamp(microseconds: dateUpdated)
        )
    }
}

/// A membership joined with its user's name and email.
struct MembershipRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let userId: String
    let roleId: String
    let dateCreated: Int64
    let dateUpdated: Int64
    let email: String
    let firstName: String
    let lastName: String

    var membership: Membership {
        let name = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return Membership(
            id: id, organizationID: organizationId, userID: userId, userFullName: name.isEmpty ? email : name,
            userEmail: email, roleID: roleId,
            dateCreated: CloseTimestamp(microseconds: dateCreated), dateUpdated: CloseTimestamp(microseconds: dateUpdated)
        )
    }

    /// `SELECT memberships.*, users.email, users.first_name, users.last_name` joined on the user.
    static func select(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
        builder
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("memberships")))
            .column(SQLColumn("email", table: "users"))
            .column(SQLColumn("first_name", table: "users"))
            .column(SQLColumn("last_name", table: "users"))
            .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("user_id", table: "memberships"))
            .where(SQLColumn("date_deactivated", table: "memberships"), .is, SQLLiteral.null)
            .orderBy(SQLColumn("date_created", table: "memberships"))
    }
}

let rowDecoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)
