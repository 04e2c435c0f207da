/// A page view the web tracker sent (`GET /api/v1/page_view/`). `leadID` is the lead its visitor
/// became through an inbound post, before or after the view; nil while the visitor is anonymous.
public struct PageView: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var visitorID: String
    public var leadID: String?
    public var url: String
    public var referrer: String?
    public var title: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var dateCreated: CloseTimestamp

    public init(
        id: String, organizationID: String, visitorID: String, leadID: String?, url: String, referrer: String?, title: String?,
        ipAddress: String?, userAgent: String?, dateCreated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.visitorID = visitorID
        self.leadID = leadID
        self.url = url
        self.referrer = referrer
        self.title = title
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.dateCreated = dateCreated
    }

    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("visitor_id", .string(visitorID)),
            ("lead_id", .string(leadID)), ("url", .string(url)), ("referrer", .string(referrer)), ("title", .string(title)),
            ("ip_address", .string(ipAddress)), ("user_agent", .string(userAgent)), ("date_created", .timestamp(dateCreated)),
        ])
    }
}
