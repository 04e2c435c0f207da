/// A user's membership of an organization, with the user's name and email inlined as Close does on
/// `/organization/{id}/` (close-api.md §12) and the ids `/me/` clients read (§2.3).
public struct Membership: Sendable, Equatable, Decodable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var userID: String
    public var userFullName: String
    public var userEmail: String
    /// `admin` or `user`.
    public var roleID: String
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, userID: String, userFullName: String, userEmail: String,
        roleID: String, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.userID = userID
        self.userFullName = userFullName
        self.userEmail = userEmail
        self.roleID = roleID
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    enum CodingKeys: String, CodingKey {
        case id
        case organizationID = "organization_id"
        case userID = "user_id"
        case userFullName = "user_full_name"
        case userEmail = "user_email"
        case roleID = "role_id"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("user_id", .string(userID)),
            ("user_full_name", .string(userFullName)), ("user_email", .string(userEmail)), ("role_id", .string(roleID)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
        ])
    }
}
