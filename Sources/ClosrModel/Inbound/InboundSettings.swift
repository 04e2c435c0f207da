/// An organization's settings for inbound lead intake and the web tracker
/// (`GET`/`PUT /api/v1/inbound_settings/`, `closr inbound`). Closr's own resource: Close has none.
public struct InboundSettings: Sendable, Equatable, JSONRepresentable {
    /// The browser origins (`https://www.example.com`, or `https://*.example.com` for its subdomains)
    /// whose pages may post leads and page views. A browser post from any other origin is refused; posts
    /// without an `Origin` header (Zapier, Make, a server, curl) are not browser posts and are allowed.
    public var allowedOrigins: [String]
    /// Whether an inbound post whose email matches an existing contact attaches to that contact's lead
    /// instead of creating another; a post's `_dedupe` field overrides it.
    public var dedupeByEmail: Bool
    /// Whether page views from browsers that send Do Not Track (`DNT: 1`) or Global Privacy Control
    /// (`Sec-GPC: 1`) are dropped, and such visitors not linked to the leads they become.
    public var respectDoNotTrack: Bool

    public init(allowedOrigins: [String] = [], dedupeByEmail: Bool = true, respectDoNotTrack: Bool = false) {
        self.allowedOrigins = allowedOrigins
        self.dedupeByEmail = dedupeByEmail
        self.respectDoNotTrack = respectDoNotTrack
    }

    /// The defaults of an organization that changed nothing: no browser origin, dedupe on, DNT ignored.
    public static let defaults = InboundSettings()

    public var jsonValue: JSONValue {
        .object([
            ("allowed_origins", .array(allowedOrigins.map(JSONValue.string))), ("dedupe_by_email", .bool(dedupeByEmail)),
            ("respect_do_not_track", .bool(respectDoNotTrack)),
        ])
    }
}
