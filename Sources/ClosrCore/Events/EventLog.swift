import ClosrModel
import Foundation
import SQLKit

/// Writes events in the transaction of the change they describe, and reads them back newest first.
public struct EventLog: Sendable {
    /// Close's page size for the event log, default and most (close-api.md §13).
    public static let maxLimit = 50

    public init() {}

    /// Records one event inside the caller's open transaction.
    @discardableResult
    static func record(
        in db: TenantDatabase, objectType: String, objectID: String, leadID: String? = nil, action: String,
        changedFields: [String] = [], data: JSONValue?, previousData: JSONValue? = nil, origin: RequestOrigin,
        at now: CloseTimestamp = .now()
    ) async throws -> String {
        let id = ClosrID.make(.event)
        try await db.insert(into: .events, columns(
            id: id, objectType: objectType, objectID: objectID, leadID: leadID, action: action, changedFields: changedFields,
            data: data, previousData: previousData, origin: origin, at: now
        )).run()
        return id
    }

    /// The columns of an event row, for ``record(in:objectType:objectID:leadID:action:changedFields:data:previousData:origin:at:)``
    /// and for changes written through ``OrgScope/insert(_:)``.
    static func columns(
        id: String = ClosrID.make(.event), objectType: String, objectID: String, leadID: String? = nil, action: String,
        changedFields: [String] = [], data: JSONValue?, previousData: JSONValue? = nil, origin: RequestOrigin,
        at now: CloseTimestamp
    ) -> [(column: String, value: any Encodable & Sendable)] {
        let text = { (value: JSONValue?) in value.map(JSONColumn.text) }
        return [
            ("id", id), ("object_type", objectType), ("object_id", objectID), ("lead_id", leadID),
            ("action", action), ("changed_fields", text(.array(changedFields.map(JSONValue.string)))),
            ("data", text(data)), ("previous_data", text(previousData)), ("user_id", origin.userID),
            ("request_id", origin.requestID), ("api_key_id", origin.apiKeyID), ("meta", text(origin.meta)),
            ("date_created", now.microseconds), ("date_updated", now.microseconds),
        ]
    }

    /// Records an `updated` event: the object after the change, and the changed fields' values before.
    static func recordUpdate(
        in db: TenantDatabase, objectType: String, objectID: String, leadID: String?, action: String = "updated", changed: [String],
        before: JSONValue, after: JSONValue, origin: RequestOrigin, at now: CloseTimestamp
    ) async throws {
        try await record(
            in: db, objectType: objectType, objectID: objectID, leadID: leadID, action: action,
            changedFields: changed + ["date_updated"], data: after,
            previousData: .object(changed.compactMap { field in before[field].map { (field, $0) } }), origin: origin, at: now
        )
    }

    /// What `/event/` may filter on.
    public struct Filter: Sendable {
        public var objectType: String?
        public var objectID: String?
        public var action: String?
        public var userID: String?
        public var requestID: String?
        public var leadID: String?
        public var dateUpdatedAfter: (CloseTimestamp, inclusive: Bool)?
        public var dateUpdatedBefore: (CloseTimestamp, inclusive: Bool)?
        public var limit: Int = EventLog.maxLimit
        public var cursor: String?

        public init() {}
    }

    /// Events a member who is not an admin sees only when they caused them: API keys' audit trail, and
    /// webhook subscriptions (whose URLs may carry a receiver's token).
    public static let ownersOnlyObjectTypes = ["api_key", "webhook_subscription"]

    /// A page of events and the cursor of the next one (nil at the end).
    public struct Page: Sendable {
        public let events: [Event]
        public let cursorNext: String?
    }

    /// Newest first. API-key events are the audit trail of someone's credentials: a member who is not
    /// an admin sees only those they caused.
    public func list(_ filter: Filter, for principal: Principal) async throws -> Page {
        let position = try filter.cursor.map(Cursor.init(text:))
        let limit = max(1, min(filter.limit, Self.maxLimit))
        let rows = try await principal.scope.read { db in
            var query = db.select(from: .events).column("*")
            if let value = filter.objectType { query = query.where("object_type", .equal, value) }
            if let value = filter.objectID { query = query.where("object_id", .equal, value) }
            if let value = filter.action { query = query.where("action", .equal, value) }
            if let value = filter.userID { query = query.where("user_id", .equal, value) }
            if let value = filter.requestID { query = query.where("request_id", .equal, value) }
            if let value = filter.leadID { query = query.where("lead_id", .equal, value) }
            if let (time, inclusive) = filter.dateUpdatedAfter {
                query = query.where("date_updated", inclusive ? .greaterThanOrEqual : .greaterThan, time.microseconds)
            }
            if let (time, inclusive) = filter.dateUpdatedBefore {
                query = query.where("date_updated", inclusive ? .lessThanOrEqual : .lessThan, time.microseconds)
            }
            if !principal.isAdmin {
                query = query.where { $0.where("object_type", .notIn, Self.ownersOnlyObjectTypes).orWhere("user_id", .equal, principal.userID) }
            }
            if let position {
                query = query.where {
                    $0.where("date_updated", .lessThan, position.dateUpdated)
                        .orWhere { $0.where("date_updated", .equal, position.dateUpdated).where("id", .lessThan, position.id) }
                }
            }
            return try await query.orderBy("date_updated", .descending).orderBy("id", .descending)
                .limit(limit + 1)
                .all(decoding: EventRow.self, with: EventRow.decoder)
        }
        let now = CloseTimestamp.now()
        let page = rows.prefix(limit).map { Self.visible($0.event, to: principal, at: now) }
        let next = rows.count > limit ? page.last.map { Cursor(dateUpdated: $0.dateUpdated.microseconds, id: $0.id).text } : nil
        return Page(events: page, cursorNext: next)
    }

    /// How long a member who is not an admin sees an event's `data` and `previous_data` (Close: an hour,
    /// close-api-more.md §E); after that only who changed what, and which fields.
    public static let memberDataWindow: Int64 = 3600 * 1_000_000

    static func visible(_ event: Event, to principal: Principal, at now: CloseTimestamp) -> Event {
        guard !principal.isAdmin, now.microseconds - event.dateCreated.microseconds > memberDataWindow else { return event }
        var event = event
        event.data = nil
        event.previousData = nil
        return event
    }

    /// One event of the organization, or 404 (also for an API-key event a non-admin did not cause).
    public func get(id: String, for principal: Principal) async throws -> Event {
        let row = try await principal.scope.read { db in
            try await db.select(from: .events).column("*").where("id", .equal, id)
                .first(decoding: EventRow.self, with: EventRow.decoder)
        }
        guard let event = row?.event, principal.isAdmin || !Self.ownersOnlyObjectTypes.contains(event.objectType) || event.userID == principal.userID else {
            throw CloseError.notFound("Event not found")
        }
        return Self.visible(event, to: principal, at: .now())
    }

    /// Where a page ends: opaque to clients, base64url of `microseconds:id`.
    struct Cursor {
        let dateUpdated: Int64
        let id: String

        init(dateUpdated: Int64, id: String) {
            self.dateUpdated = dateUpdated
            self.id = id
        }

        init(text: String) throws {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
                  let colon = decoded.firstIndex(of: ":"), let time = Int64(decoded[..<colon])
            else { throw CloseError.badRequest("Invalid _cursor: use the cursor_next value of the previous page") }
            self.init(dateUpdated: time, id: String(decoded[decoded.index(after: colon)...]))
        }

        var text: String {
            Data("\(dateUpdated):\(id)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
    }
}

/// A row of `events`.
struct EventRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let objectType: String
    let objectId: String
    let leadId: String?
    let action: String
    let changedFields: String
    let data: String?
    let previousData: String?
    let userId: String?
    let requestId: String?
    let apiKeyId: String?
    let meta: String
    let dateCreated: Int64
    let dateUpdated: Int64

    static let decoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    var event: Event {
        let fields = (try? JSONValue(parsing: Array(changedFields.utf8)))
        var names: [String] = []
        if case .array(let values)? = fields {
            names = values.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        }
        return Event(
            id: id, organizationID: organizationId, dateCreated: CloseTimestamp(microseconds: dateCreated),
            dateUpdated: CloseTimestamp(microseconds: dateUpdated), objectType: objectType, objectID: objectId,
            leadID: leadId, action: action, changedFields: names, data: data.map(JSONValue.raw),
            previousData: previousData.map(JSONValue.raw), userID: userId, requestID: requestId, apiKeyID: apiKeyId,
            meta: .raw(meta)
        )
    }
}
