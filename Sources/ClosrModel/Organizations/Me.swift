/// `GET /api/v1/me/`: the calling user with their organizations and memberships (close-api.md §2.3).
///
/// Clients learn the user id from `id` and the organization from `organizations[0].id` or
/// `memberships[0].organization_id`, so both are always present.
public struct Me: Sendable, Equatable, Codable {
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
        case emailVerifiedAt = "email_verified_at"
        case phoneNumbers = "phone_numbers"
    }

    public init(from decoder: any Decoder) throws {
        user = try User(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        organizations = try container.decode([Organization].self, forKey: .organizations)
        memberships = try container.decode([Membership].self, forKey: .memberships)
    }

    /// The user's own keys, flattened beside `organizations` and `memberships`.
    public func encode(to encoder: any Encoder) throws {
        try user.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(organizations, forKey: .organizations)
        try container.encode(memberships, forKey: .memberships)
        try container.encodeNil(forKey: .emailVerifiedAt)
        try container.encode([String](), forKey: .phoneNumbers)
    }
}
