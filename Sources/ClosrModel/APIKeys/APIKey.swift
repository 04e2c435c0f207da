/// An API key as the API shows it. Never carries the secret: the secret is returned once, by create,
/// beside this object (``CreatedAPIKey``).
public struct APIKey: Sendable, Equatable, Decodable, JSONRepresentable {
    public var id: String
    public var label: String
    /// The first 12 characters of the secret, for recognising a key in a list.
    public var preview: String
    public var scopes: [APIKeyScope]
    public var userID: String
    public var organizationID: String
    public var createdBy: String
    public var dateCreated: CloseTimestamp
    public var expiresAt: CloseTimestamp?
    public var status: Status
    public var dateRevoked: CloseTimestamp?
    public var lastUsed: LastUsed?
    /// The key this one replaced by rotation, if any.
    public var rotatedFrom: String?
    /// The key that replaced this one by rotation, if any; this one then expires after a grace period.
    public var replacedBy: String?

    public enum Status: String, Sendable, Codable {
        case active, revoked, expired
    }

    /// The newest request made with the key.
    public struct LastUsed: Sendable, Equatable, Decodable, JSONRepresentable {
        public var date: CloseTimestamp
        public var ip: String?
        public var userAgent: String?

        public init(date: CloseTimestamp, ip: String?, userAgent: String?) {
            self.date = date
            self.ip = ip
            self.userAgent = userAgent
        }

        enum CodingKeys: String, CodingKey {
            case date, ip
            case userAgent = "user_agent"
        }

        public var jsonValue: JSONValue {
            .object([("date", .timestamp(date)), ("ip", .string(ip)), ("user_agent", .string(userAgent))])
        }

    }

    public init(
        id: String, label: String, preview: String, scopes: [APIKeyScope], userID: String,
        organizationID: String, createdBy: String, dateCreated: CloseTimestamp, expiresAt: CloseTimestamp?,
        status: Status, dateRevoked: CloseTimestamp?, lastUsed: LastUsed?, rotatedFrom: String? = nil,
        replacedBy: String? = nil
    ) {
        self.id = id
        self.label = label
        self.preview = preview
        self.scopes = scopes
        self.userID = userID
        self.organizationID = organizationID
        self.createdBy = createdBy
        self.dateCreated = dateCreated
        self.expiresAt = expiresAt
        self.status = status
        self.dateRevoked = dateRevoked
        self.lastUsed = lastUsed
        self.rotatedFrom = rotatedFrom
        self.replacedBy = replacedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, label, preview, scopes, status
        case userID = "user_id"
        case organizationID = "organization_id"
        case createdBy = "created_by"
        case dateCreated = "date_created"
        case expiresAt = "expires_at"
        case dateRevoked = "date_revoked"
        case lastUsed = "last_used"
        case rotatedFrom = "rotated_from"
        case replacedBy = "replaced_by"
    }

    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("label", .string(label)), ("preview", .string(preview)),
            ("scopes", .array(scopes.map { .string($0.rawValue) })), ("user_id", .string(userID)),
            ("organization_id", .string(organizationID)), ("created_by", .string(createdBy)),
            ("date_created", .timestamp(dateCreated)), ("expires_at", .timestamp(expiresAt)),
            ("status", .string(status.rawValue)), ("date_revoked", .timestamp(dateRevoked)),
            ("last_used", lastUsed?.jsonValue ?? .null), ("rotated_from", .string(rotatedFrom)),
            ("replaced_by", .string(replacedBy)),
        ])
    }

}

/// The answer to creating a key: the key object and, this once, its secret.
public struct CreatedAPIKey: Sendable, Equatable, JSONRepresentable {
    public var key: APIKey
    public var secret: String

    public init(key: APIKey, secret: String) {
        self.key = key
        self.secret = secret
    }

    /// The key object with the secret beside it as `key`: the only response that carries it.
    public var jsonValue: JSONValue {
        guard case .object(var members) = key.jsonValue else { return key.jsonValue }
        members.append(("key", .string(secret)))
        return .object(members)
    }
}
