/// A Closr user as `/user/{id}/` returns it (close-api.md §12): `/me/` minus organization detail.
public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var firstName: String
    public var lastName: String
    public var email: String
    public var image: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp
    public var lastUsedTimezone: String?

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

    /// "First Last", or the email when both names are empty — the form Close shows in `*_name` fields.
    public var fullName: String {
        let name = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? email : name
    }

    enum CodingKeys: String, CodingKey {
        case id, email, image
        case firstName = "first_name"
        case lastName = "last_name"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case lastUsedTimezone = "last_used_timezone"
    }

    /// Written by hand so that absent values appear as `null`, as Close sends them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(lastName, forKey: .lastName)
        try container.encode(email, forKey: .email)
        try container.encode(image, forKey: .image)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
        try container.encode(lastUsedTimezone, forKey: .lastUsedTimezone)
    }
}
