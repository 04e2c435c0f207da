import ClosrModel
import Crypto
import Foundation
import SQLKit

/// Webhook subscriptions (`/webhook/`, close-api-more.md §D). An admin manages every subscription of
/// the organization, a member only their own. The signing key (32 random bytes, hex) is shown in the
/// creation answer only and stored sealed (``SecretSealer``).
public struct WebhookService: Sendable {
    let sealer: SecretSealer
    let addresses: WebhookAddressPolicy
    /// Close's limit per organization.
    public static let maxPerOrganization = 40

    public init(sealer: SecretSealer, addresses: WebhookAddressPolicy) {
        self.sealer = sealer
        self.addresses = addresses
    }

    struct Row: ColumnDecodable {
        let subscription: WebhookSubscription
        let sealedKey: String

        init(_ columns: RowColumns) throws {
            subscription = WebhookSubscription(
                id: try columns.string("id"), organizationID: try columns.string("organization_id"), url: try columns.string("url"),
                events: try columns.json("events", fallback: .array([])), verifySSL: try columns.int("verify_ssl") != 0,
                status: try columns.string("status"), pauseReason: try columns.optionalString("pause_reason"), signatureKey: nil,
                failingSince: try columns.optionalInt("failing_since").map { CloseTimestamp(microseconds: Int64($0)) },
                latestError: try columns.optionalString("latest_error"), createdBy: try columns.optionalString("created_by"),
                updatedBy: try columns.optionalString("updated_by"),
                dateCreated: CloseTimestamp(microseconds: try columns.int64("date_created")),
                dateUpdated: CloseTimestamp(microseconds: try columns.int64("date_updated"))
            )
            sealedKey = try columns.string("sealed_signature_key")
        }
    }

    /// `events`: a non-empty list of `{object_type, action, extra_filter?}`; the distinct pairs.
    static func events(_ reader: inout BodyReader, principal: Principal) -> (JSONValue, [(String, String)])? {
        guard let items = reader.array("events") else {
            reader.fail("events", "This field is required: a list of {\"object_type\", \"action\"}.")
            return nil
        }
        guard !items.isEmpty, items.count <= 500 else {
            reader.fail("events", "Use between 1 and 500 entries.")
            return nil
        }
        var pairs: [(String, String)] = []
        var kept: [JSONValue] = []
        for (index, item) in items.enumerated() {
            guard let objectType = item["object_type"]?.text, !objectType.isEmpty, objectType.count <= 100,
                  let action = item["action"]?.text, !action.isEmpty, action.count <= 100
            else {
                reader.fail("events", "Entry \(index) needs object_type and action strings.")
                return nil
            }
            // API keys' events are their owners' audit trail: a member who is not an admin sees only
            // their own in the event log, so only admins may have them delivered.
            if EventLog.ownersOnlyObjectTypes.contains(objectType), !principal.isAdmin {
                reader.fail("events", "Only an admin can subscribe to \(objectType) events.")
                return nil
            }
            var members: [(String, JSONValue)] = [("object_type", .string(objectType)), ("action", .string(action))]
            if let filter = item["extra_filter"], filter != .null {
                if let problem = WebhookFilter.validate(filter) {
                    reader.fail("events", "Entry \(index)'s extra_filter: \(problem)")
                    return nil
                }
                members.append(("extra_filter", filter))
            }
            kept.append(.object(members))
            if !pairs.contains(where: { $0 == (objectType, action) }) { pairs.append((objectType, action)) }
        }
        return (.array(kept), pairs)
    }

    /// A subscription-wide `event_filter` is not supported: refused unless null, never ignored.
    static func refuseEventFilter(_ reader: inout BodyReader) {
        if let filter = reader.members["event_filter"], filter != .null {
            reader.fail("event_filter", "Not supported by Closr: give each entry of events an extra_filter instead.")
        }
    }

    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> WebhookSubscription {
        var reader = try BodyReader(body)
        Self.refuseEventFilter(&reader)
        for key in reader.members.keys where !["url", "events", "verify_ssl", "event_filter"].contains(key) {
            reader.fail(key, "Unknown field: use url, events and verify_ssl.")
        }
        let url = reader.string("url", maxLength: 2000)
        if url == nil { reader.fail("url", "This field is required.") }
        let events = Self.events(&reader, principal: principal)
        let verifySSL = reader.bool("verify_ssl") ?? true
        if let url, let problem = await addresses.problem(with: url) { reader.fail("url", problem) }
        try reader.validate()
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        let sealedKey = try sealer.sealed(key)
        let now = CloseTimestamp.now()
        let id = ClosrID.make(.webhook)
        var created = try await principal.scope.write { db in
            let count = try await db.select(from: .webhooks).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .first(decodingColumn: "n", as: Int.self) ?? 0
            guard count < Self.maxPerOrganization else {
                throw CloseError.badRequest("An organization can have at most \(Self.maxPerOrganization) webhook subscriptions; delete one first.")
            }
            try await db.insert(into: .webhooks, [
                ("id", id), ("url", url ?? ""), ("events", JSONColumn.text(events?.0 ?? .array([]))), ("verify_ssl", verifySSL ? 1 : 0),
                ("status", "active"), ("pause_reason", String?.none), ("sealed_signature_key", sealedKey),
                ("failing_since", Int64?.none), ("latest_error", String?.none), ("created_by", principal.userID),
                ("updated_by", principal.userID), ("date_created", now.microseconds), ("date_updated", now.microseconds),
            ]).run()
            try await Self.writePairs(events?.1 ?? [], webhookID: id, in: db)
            let subscription = try await Self.subscription(id: id, principal: principal, in: db)
            try await EventLog.record(in: db, objectType: "webhook_subscription", objectID: id, action: "created", data: subscription.jsonValue, origin: origin, at: now)
            return subscription
        }
        created.signatureKey = key
        return created
    }

    static func writePairs(_ pairs: [(String, String)], webhookID: String, in db: TenantDatabase) async throws {
        try await db.delete(from: .webhookEventTypes).where("webhook_id", .equal, webhookID).run()
        for (objectType, action) in pairs {
            try await db.insert(into: .webhookEventTypes, [("webhook_id", webhookID), ("object_type", objectType), ("action", action)]).run()
        }
    }

    static func subscription(id: String, principal: Principal, in db: TenantDatabase) async throws -> WebhookSubscription {
        var select = db.select(from: .webhooks).column("*").where("id", .equal, id)
        if !principal.isAdmin { select = select.where("created_by", .equal, principal.userID) }
        guard let row = try await select.first(Row.self) else { throw CloseError.notFound("Webhook subscription not found") }
        return row.subscription
    }

    public func get(id: String, principal: Principal) async throws -> WebhookSubscription {
        try await principal.scope.read { db in try await Self.subscription(id: id, principal: principal, in: db) }
    }

    public func list(principal: Principal) async throws -> [WebhookSubscription] {
        try await principal.scope.read { db in
            var select = db.select(from: .webhooks).column("*")
            if !principal.isAdmin { select = select.where("created_by", .equal, principal.userID) }
            return try await select.orderBy("date_created").orderBy("id").all(Row.self).map(\.subscription)
        }
    }

    /// `url`, `events`, `verify_ssl`, and `status` (`paused` by the API, or `active` to resume).
    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> WebhookSubscription {
        var reader = try BodyReader(body)
        Self.refuseEventFilter(&reader)
        for key in reader.members.keys where !["url", "events", "verify_ssl", "status", "event_filter"].contains(key) {
            reader.fail(key, "Unknown field: use url, events, verify_ssl and status.")
        }
        let url = reader.has("url") ? reader.string("url", maxLength: 2000) : nil
        if reader.has("url"), url == nil { reader.fail("url", "Expected a URL.") }
        let events = reader.has("events") ? Self.events(&reader, principal: principal) : nil
        let verifySSL = reader.bool("verify_ssl")
        let status = reader.string("status")
        if let status, !["active", "paused"].contains(status) { reader.fail("status", "Use active or paused.") }
        if let url, let problem = await addresses.problem(with: url) { reader.fail("url", problem) }
        try reader.validate()
        let now = CloseTimestamp.now()
        return try await principal.scope.write { db in
            let before = try await Self.subscription(id: id, principal: principal, in: db)
            var changes: [(String, any Encodable & Sendable)] = []
            if let url { changes.append(("url", url)) }
            if let events { changes.append(("events", JSONColumn.text(events.0))) }
            if let verifySSL { changes.append(("verify_ssl", verifySSL ? 1 : 0)) }
            if let status, status != before.status {
                changes += [("status", status), ("pause_reason", status == "paused" ? "api" : String?.none)]
                // Resuming starts the failure clock afresh.
                if status == "active" { changes += [("failing_since", Int64?.none)] }
            }
            guard !changes.isEmpty else { return before }
            try await db.applyUpdate(.webhooks, id: id, changes, userID: principal.userID, at: now.microseconds)
            if let events { try await Self.writePairs(events.1, webhookID: id, in: db) }
            let after = try await Self.subscription(id: id, principal: principal, in: db)
            try await EventLog.recordUpdate(
                in: db, objectType: "webhook_subscription", objectID: id, leadID: nil, changed: changes.map(\.0).filter { $0 != "failing_since" },
                before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
            )
            return after
        }
    }

    /// Deletes the subscription and its undelivered deliveries.
    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        try await principal.scope.write { db in
            let subscription = try await Self.subscription(id: id, principal: principal, in: db)
            try await db.delete(from: .webhookDeliveries).where("webhook_id", .equal, id).run()
            try await db.delete(from: .webhookEventTypes).where("webhook_id", .equal, id).run()
            try await db.delete(from: .webhooks).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "webhook_subscription", objectID: id, action: "deleted", data: nil, previousData: subscription.jsonValue, origin: origin)
        }
    }
}
