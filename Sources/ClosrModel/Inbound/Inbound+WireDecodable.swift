/// How the inbound settings and page views read themselves back (``WireDecodable``).

extension InboundSettings: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            allowedOrigins: try wire.strings("allowed_origins"), dedupeByEmail: try wire.bool("dedupe_by_email"),
            respectDoNotTrack: try wire.bool("respect_do_not_track")
        )
    }
}

extension PageView: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), visitorID: try wire.string("visitor_id"),
            leadID: try wire.optionalString("lead_id"), url: try wire.string("url"), referrer: try wire.optionalString("referrer"),
            title: try wire.optionalString("title"), ipAddress: try wire.optionalString("ip_address"),
            userAgent: try wire.optionalString("user_agent"), dateCreated: try wire.timestamp("date_created")
        )
    }
}
