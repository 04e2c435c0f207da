/// A Closr user as `/user/{id}/` returns it (close-api.md §12): `/me/` minus organization detail.
public struct User: Sendable, Equatable, Decodable, JSONRepresentable {
    public var id: String
    public var firstName: String
    public var lastName: String
    public var email: String
    public var image: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    public var lastUsedTimezone: String?
    /// The ids of the caller's organizations this user belongs to, as `/user/` lists them; `/me/` has
    /// its own, fuller `organizations`, so there this stays nil and is left out.
    public var organizationIDs: [String]? = nil

    public init(
        id: String, firstName: String, lastName: String, email: String, image: String? = nil,
        dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp, lastUsedTimezone: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.image = image
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.lastUsedTimezone = lastUsedTimezone
    }

    enum CodingKeys: String, CodingKey {
        case id, email, image
        case firstName = "first_name"
        case lastName = "last_name"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case lastUsedTimezone = "last_used_timezone"
        case organizations
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id), firstName: try container.decode(String.self, forKey: .firstName),
            lastName: try container.decode(String.self, forKey: .lastName), email: try container.decode(String.self, forKey: .email),
            image: try container.decodeIfPresent(String.self, forKey: .image),
            dateCreated: try container.decode(CloseTimestamp.self, forKey: .dateCreated),
            dateUpdated: try container.decode(CloseTimestamp.self, forKey: .dateUpdated),
            lastUsedTimezone: try container.decodeIfPresent(String.self, forKey: .lastUsedTimezone)
        )
        // `/user/` lists organization ids; `/me/` (whose user this also reads) lists organization objects.
        organizationIDs = try? container.decodeIfPresent([String].self, forKey: .organizations)
    }


    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("first_name", .string(firstName)), ("last_name", .string(lastName)),
            ("email", .string(email)), ("image", .string(image)), ("date_created", .timestamp(dateCreated)),
            ("date_updated", .timestamp(dateUpdated)), ("last_used_timezone", .string(lastUsedTimezone)),
        ] + (organizationIDs.map { [("organizations", .array($0.map { JSONValue.string($0) }))] } ?? []))
    }
}
