/// A webhook subscription (close-api-more.md §D). Its signing key is shown once, in the answer that
/// creates it (``signatureKey`` is nil everywhere else).
public struct WebhookSubscription: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var url: String
    /// `[{"object_type", "action", "extra_filter"?}]` as given.
    public var events: JSONValue
    public var verifySSL: Bool
    /// `active` or `paused`.
    public var status: String
    public var pauseReason: String?
    public var signatureKey: String?
    /// When the current run of failed deliveries began; nil while deliveries succeed.
    public var failingSince: CloseTimestamp?
    public var latestError: String?
    public var createdBy: String?
    public var updatedBy: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, url: String, events: JSONValue, verifySSL: Bool, status: String,
        pauseReason: String?, signatureKey: String?, failingSince: CloseTimestamp?, latestError: String?,
        createdBy: String?, updatedBy: String?, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.url = url
        self.events = events
        self.verifySSL = verifySSL
        self.status = status
        self.pauseReason = pauseReason
        self.signatureKey = signatureKey
        self.failingSince = failingSince
        self.latestError = latestError
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("url", .string(url)), ("status", .string(status)),
            ("verify_ssl", .bool(verifySSL)), ("events", events),
        ]
        if let signatureKey { members.append(("signature_key", .string(signatureKey))) }
        members += [
            ("created_by", .string(createdBy)), ("updated_by", .string(updatedBy)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)), ("counters", .object([])),
            ("health_status", .string(failingSince == nil ? "healthy" : "unhealthy")), ("latest_error", .string(latestError)),
            ("pause_reason", .string(pauseReason)), ("recent_consecutive_fail_buckets_cnt", .int(0)),
        ]
        return .object(members)
    }
}
