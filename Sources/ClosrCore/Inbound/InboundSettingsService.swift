import ClosrModel
import SQLKit

/// An organization's inbound settings (``InboundSettings``): read by every inbound post and page view,
/// changed by admins through `PUT /api/v1/inbound_settings/` or `closr inbound`.
public struct InboundSettingsService: Sendable {
    /// More origins than any one organization's sites need; it bounds the check made per post.
    public static let maxOrigins = 100

    public init() {}

    /// The settings, from the organization's cached directory (``CRMDirectory``) while nothing changed.
    public func settings(in scope: OrgScope) async throws -> InboundSettings {
        try await scope.read { db in try await CRMDirectory.load(db).inboundSettings }
    }

    static func settings(in db: TenantDatabase) async throws -> InboundSettings {
        guard let row = try await db.select(from: .inboundSettings).column("*").first(Row.self) else { return .defaults }
        return row.settings
    }

    /// Changes the fields present in the body (`allowed_origins`, `dedupe_by_email`,
    /// `respect_do_not_track`); admins only (the command line acts as the first admin). Records an
    /// `inbound_settings` `updated` event.
    public func update(_ body: JSONValue, in scope: OrgScope, asAdmin: Bool, origin: RequestOrigin) async throws -> InboundSettings {
        guard asAdmin else { throw CloseError.forbidden("Only an organization admin can change the inbound settings") }
        var reader = try BodyReader(body)
        for key in reader.members.keys where !["allowed_origins", "dedupe_by_email", "respect_do_not_track"].contains(key) {
            reader.fail(key, "Unknown field: use allowed_origins, dedupe_by_email and respect_do_not_track.")
        }
        let origins = reader.has("allowed_origins") ? Self.origins(reader.array("allowed_origins"), reader: &reader) : nil
        let dedupe = reader.bool("dedupe_by_email")
        let respectDoNotTrack = reader.bool("respect_do_not_track")
        try reader.validate()
        let now = CloseTimestamp.now()
        return try await scope.write { db in
            // Two admins changing different fields at once must not undo each other, nor both insert.
            try await db.lockOrganization()
            let before = try await Self.settings(in: db)
            var after = before
            if let origins { after.allowedOrigins = origins }
            if let dedupe { after.dedupeByEmail = dedupe }
            if let respectDoNotTrack { after.respectDoNotTrack = respectDoNotTrack }
            guard after != before else { return before }
            try await db.delete(from: .inboundSettings).run()
            try await db.insert(into: .inboundSettings, [
                ("allowed_origins", JSONColumn.text(.array(after.allowedOrigins.map(JSONValue.string)))),
                ("dedupe_by_email", after.dedupeByEmail ? 1 : 0), ("respect_do_not_track", after.respectDoNotTrack ? 1 : 0),
                ("date_updated", now.microseconds),
            ]).run()
            let changed = [
                ("allowed_origins", after.allowedOrigins != before.allowedOrigins), ("dedupe_by_email", after.dedupeByEmail != before.dedupeByEmail),
                ("respect_do_not_track", after.respectDoNotTrack != before.respectDoNotTrack),
            ].filter(\.1).map(\.0)
            try await EventLog.recordUpdate(
                in: db, objectType: "inbound_settings", objectID: db.organizationID, leadID: nil, changed: changed,
                before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
            )
            return after
        }
    }

    /// The listed origins, normalized and without repeats; each bad one is named.
    private static func origins(_ values: [JSONValue]?, reader: inout BodyReader) -> [String]? {
        guard let values else {
            reader.fail("allowed_origins", "Expected a list of origins such as \"https://www.example.com\".")
            return nil
        }
        guard values.count <= maxOrigins else {
            reader.fail("allowed_origins", "At most \(maxOrigins) origins.")
            return nil
        }
        var origins: [String] = []
        for (index, value) in values.enumerated() {
            guard let text = value.text, text.count <= 300, let origin = BrowserOrigin.normalized(text) else {
                reader.fail("allowed_origins", "Entry \(index) is not an origin: give scheme and host, such as \"https://www.example.com\" or \"https://*.example.com\", without a path.")
                return nil
            }
            if !origins.contains(origin) { origins.append(origin) }
        }
        return origins
    }

    private struct Row: ColumnDecodable {
        let settings: InboundSettings

        init(_ columns: RowColumns) throws {
            settings = InboundSettings(
                allowedOrigins: try columns.json("allowed_origins", fallback: .array([])).arrayValues.compactMap(\.text),
                dedupeByEmail: try columns.int("dedupe_by_email") != 0, respectDoNotTrack: try columns.int("respect_do_not_track") != 0
            )
        }
    }
}
