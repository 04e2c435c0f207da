import ClosrModel
import Foundation
import SQLKit

/// The deliveries the database's outbox trigger wrote (``WebhookOutboxTrigger``), claimed, sent and
/// settled by each node's dispatcher.
///
/// A claim takes due deliveries whose subscription is active and which are the oldest undelivered one of
/// their object for their subscription (so one object's events arrive in order), and moves each one's
/// next attempt past a lease in the same transaction, in which it also reads each one's event and
/// subscription. On PostgreSQL the claim locks the rows it reads
/// (`SKIP LOCKED`), so two nodes never claim one delivery; the lease keeps it from being claimed again
/// while it is being sent; a node that dies mid-send leaves it to be sent again once the lease ends
/// (at least once, never lost).
public struct WebhookOutbox: Sendable {
    let store: any Store
    let sealer: SecretSealer

    public init(store: any Store, sealer: SecretSealer) {
        self.store = store
        self.sealer = sealer
    }

    /// One claimed delivery with what sending it needs.
    public struct Delivery: Sendable {
        public let id: String
        public let organizationID: String
        public let webhookID: String
        public let url: String
        public let verifySSL: Bool
        /// The subscription's signing key, unsealed (64 hex characters).
        public let signatureKey: String
        /// The subscription's entries, for extra filters.
        public let entries: JSONValue
        public let event: Event
        /// Attempts so far, this one included.
        public let attempts: Int
        public let dateCreated: CloseTimestamp
    }

    public func claim(limit: Int, lease: Duration, now: CloseTimestamp = .now()) async throws -> [Delivery] {
        let leaseEnd = now.advanced(by: lease).microseconds
        return try await store.transaction { sql in
            // Built as an `SQLSelect` (not text) so the store's change tracking sees a read: a claim must
            // not move the versions every cache is checked against.
            let d = SQLIdentifier("d")
            let rows = try await sql.select()
                .columns(SQLColumn("id", table: "d"), SQLColumn("organization_id", table: "d"), SQLColumn("webhook_id", table: "d"),
                         SQLColumn("event_id", table: "d"), SQLColumn("attempts", table: "d"), SQLColumn("date_created", table: "d"))
                .from(SQLAlias(SQLIdentifier("webhook_deliveries"), as: d))
                // Due deliveries first, in order (their index), then each one's subscription: left to
                // itself SQLite started from the subscriptions and sorted every undelivered row of each.
                .join(SQLAlias(SQLIdentifier("webhooks"), as: SQLIdentifier("w")), method: OuterLoopFirstJoin(), on: SQLRaw("w.id = d.webhook_id AND w.organization_id = d.organization_id"))
                .where(SQLColumn("next_attempt_at", table: "d"), .lessThanOrEqual, SQLBind(now.microseconds))
                .where(SQLColumn("status", table: "w"), .equal, SQLBind("active"))
                .where(WebhookOutboxTrigger.NoEarlierDelivery())
                .orderBy(SQLColumn("next_attempt_at", table: "d"))
                .limit(limit)
                .lockingClause(WebhookOutboxTrigger.ClaimLock())
                .all()
            let claimed = try rows.map {
                (id: try $0.decode(column: "id", as: String.self), organizationID: try $0.decode(column: "organization_id", as: String.self),
                 webhookID: try $0.decode(column: "webhook_id", as: String.self), eventID: try $0.decode(column: "event_id", as: String.self),
                 attempts: try $0.decode(column: "attempts", as: Int.self) + 1, dateCreated: try $0.decode(column: "date_created", as: Int64.self))
            }
            guard !claimed.isEmpty else { return [] }
            var events: [String: EventRow] = [:]
            for row in try await sql.select().column("*").from("events").where("id", .in, Array(Set(claimed.map(\.eventID))))
                .all(decoding: EventRow.self, with: EventRow.decoder) {
                events[row.id] = row
            }
            var webhooks: [String: WebhookService.Row] = [:]
            for row in try await sql.select().column("*").from("webhooks").where("id", .in, Array(Set(claimed.map(\.webhookID)))).all(WebhookService.Row.self) {
                webhooks[row.subscription.id] = row
            }
            // A delivery whose event has passed the retention period cannot be sent: dropped rather than
            // claimed again forever. One whose key this node cannot unseal (a node started with another
            // secret key file) is left for its lease to run out, for a node that can.
            let orphans = claimed.filter { events[$0.eventID]?.organizationId != $0.organizationID }.map(\.id)
            if !orphans.isEmpty { try await sql.delete(from: "webhook_deliveries").where("id", .in, orphans).run() }
            try await sql.update("webhook_deliveries").set("next_attempt_at", to: leaseEnd)
                .set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1"))
                .where("id", .in, claimed.map(\.id)).run()
            return claimed.compactMap { item in
                guard let event = events[item.eventID], event.organizationId == item.organizationID,
                      let webhook = webhooks[item.webhookID], webhook.subscription.organizationID == item.organizationID,
                      let key = try? sealer.unsealed(webhook.sealedKey)
                else { return nil }
                return Delivery(
                    id: item.id, organizationID: item.organizationID, webhookID: item.webhookID, url: webhook.subscription.url,
                    verifySSL: webhook.subscription.verifySSL, signatureKey: key, entries: webhook.subscription.events,
                    event: event.event, attempts: item.attempts, dateCreated: CloseTimestamp(microseconds: item.dateCreated)
                )
            }
        }
    }

    /// Whether the subscription wants this event: one of its entries for the event's pair has no extra
    /// filter or one that the event passes.
    public static func wanted(_ delivery: Delivery) -> Bool {
        // Parsed whole: `data` is kept as the raw text it was stored as.
        let event = (try? JSONValue(parsing: delivery.event.jsonValue.serialized())) ?? delivery.event.jsonValue
        return (delivery.entries.objectArray).contains { entry in
            entry["object_type"]?.text == delivery.event.objectType && entry["action"]?.text == delivery.event.action
                && (entry["extra_filter"].map { WebhookFilter.matches($0, event) } ?? true)
        }
    }

    /// Delivered (or filtered out): the rows go, and their subscriptions are healthy again — one
    /// transaction for a whole batch, so a busy dispatcher takes the writer as rarely as it can.
    /// `filtered`: deliveries its extra filter passed over, which say nothing of the receiver's health.
    public func settled(_ deliveries: [Delivery], filtered: [Delivery] = []) async throws {
        guard !deliveries.isEmpty || !filtered.isEmpty else { return }
        try await store.transaction { sql in
            try await sql.delete(from: "webhook_deliveries").where("id", .in, (deliveries + filtered).map(\.id)).run()
            for (organizationID, group) in Dictionary(grouping: deliveries, by: \.organizationID) {
                try await sql.update("webhooks").set("failing_since", to: Int64?.none).set("latest_error", to: String?.none)
                    .where("id", .in, Array(Set(group.map(\.webhookID)))).where("organization_id", .equal, organizationID)
                    .where("failing_since", .isNot, SQLLiteral.null).run()
            }
        }
    }

    /// A failed attempt: retried at `retryAt` unless the delivery is older than `giveUpAfter` (then
    /// dropped); a subscription whose deliveries have all failed for `pauseAfter` is paused.
    public func failed(_ delivery: Delivery, error: String, retryAt: CloseTimestamp, giveUpAfter: Duration, pauseAfter: Duration, now: CloseTimestamp = .now()) async throws -> (dropped: Bool, paused: Bool) {
        let message = String(error.prefix(500))
        return try await store.transaction { sql in
            let dropped = now.microseconds - delivery.dateCreated.microseconds >= giveUpAfter.microseconds
            if dropped {
                try await sql.delete(from: "webhook_deliveries").where("id", .equal, delivery.id).run()
            } else {
                try await sql.update("webhook_deliveries").set("next_attempt_at", to: retryAt.microseconds).set("last_error", to: message)
                    .where("id", .equal, delivery.id).run()
            }
            try await sql.update("webhooks").set("latest_error", to: message)
                .set(SQLIdentifier("failing_since"), to: SQLFunction("COALESCE", args: SQLIdentifier("failing_since"), SQLBind(now.microseconds)))
                .where("id", .equal, delivery.webhookID).where("organization_id", .equal, delivery.organizationID).run()
            let pausedRows = try await sql.update("webhooks").set("status", to: "paused").set("pause_reason", to: "failing_deliveries")
                .set("date_updated", to: now.microseconds)
                .where("id", .equal, delivery.webhookID).where("organization_id", .equal, delivery.organizationID)
                .where("status", .equal, "active").where("failing_since", .lessThanOrEqual, now.advanced(by: .zero - pauseAfter).microseconds)
                .returning("id").all()
            return (dropped, !pausedRows.isEmpty)
        }
    }
}

extension JSONValue {
    /// The elements of an array of objects; empty for anything else.
    var objectArray: [JSONValue] {
        if case .array(let values) = self { return values.filter { $0.objectMembers != nil } }
        return []
    }
}
