import ClosrModel

/// Who is making a request, once their API key (or console session) has been verified: a user acting in
/// one organization, narrowed by the key's scopes. Controllers reach data only through ``scope``.
public struct Principal: Sendable {
    public let userID: String
    public let organizationID: String
    /// The key the request presented; nil for a person signed in to the console (a session).
    public let apiKeyID: String?
    public let scopes: Set<APIKeyScope>
    /// The user's role in the organization: `admin` or `user`.
    public let role: String
    /// Tenant-filtered access to the organization's data.
    public let scope: OrgScope

    public var isAdmin: Bool { role == "admin" }

    /// Whose rate-limit bucket a request fills: its key's, or for a console session its user's.
    public var rateLimitKey: String { apiKeyID ?? "user:" + userID }

    public init(userID: String, organizationID: String, apiKeyID: String?, scopes: Set<APIKeyScope>, role: String, store: any Store, caches: CoreCaches? = nil) {
        self.init(userID: userID, organizationID: organizationID, apiKeyID: apiKeyID, scopes: scopes, role: role,
                  scope: OrgScope(organizationID: organizationID, store: store, caches: caches))
    }

    private init(userID: String, organizationID: String, apiKeyID: String?, scopes: Set<APIKeyScope>, role: String, scope: OrgScope) {
        self.userID = userID
        self.organizationID = organizationID
        self.apiKeyID = apiKeyID
        self.scopes = scopes
        self.role = role
        self.scope = scope
    }

    /// This principal for one request whose first reading of the versions was `versions`.
    func forRequest(versions: StoreVersions) -> Principal {
        Principal(userID: userID, organizationID: organizationID, apiKeyID: apiKeyID, scopes: scopes, role: role,
                  scope: OrgScope(organizationID: organizationID, store: scope.store, caches: scope.caches, versions: versions))
    }
}
