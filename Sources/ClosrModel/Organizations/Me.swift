/// `GET /api/v1/me/`: the calling user with their organizations and memberships (close-api.md §2.3).
///
/// Clients learn the user id from `id` and the organization from `organizations[0].id` or
/// `memberships[0].organization_id`, so both are always present.
public struct Me: Sendable, Equatable, Decodable, JSONRepresentable {
    public var user: User
    public var organizations: [Organization]
    public var memberships: [Membership]

    public init(user: User, organizations: [Organization], memberships: [Membership]) {
        self.user = user
        self.organizations = organizations
        self.memberships = memberships
    }

    enum CodingKeys: String, CodingKey {
        case organizations, memberships
    }

    public init(from decoder: any Decoder) throws {
        user = try User(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        organizations = try container.decode([Organization].self, forKey: .organizations)
        memberships = try container.decode([Membership].self, forKey: .memberships)
    }

    /// The user's own keys, with `organizations` and `memberships` beside them.
    public var jsonValue: JSONValue {
        guard case .object(var members) = user.jsonValue else { return user.jsonValue }
        members.append(("organizations", .array(organizations.map(\.summaryJSONValue))))
        members.append(("memberships", .array(memberships)))
        members.append(("email_verified_at", .null))
        members.append(("phone_numbers", .array([])))
        return .object(members)
    }
}
