import ClosrModel
import SQLKit

/// The event log keeps events for a retention period (Close: 30 days, close-api-more.md §E), then drops
/// them, in batches so no statement holds the database for long. API keys' audit events are kept: they
/// are the record of who could reach the data, not a change feed. A delivery whose event is gone is
/// dropped by the outbox's claim.
public struct EventRetention: Sendable {
    public static let defaultPeriod: Duration = .seconds(30 * 86_400)
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Deletes every organization's events created before `now - period`; returns how many.
    @discardableResult
    public func purge(olderThan period: Duration, now: CloseTimestamp = .now(), batch: Int = 5000) async throws -> Int {
        let cutoff = now.advanced(by: .zero - period).microseconds
        var total = 0
        while true {
            let deleted = try await store.transaction { sql in
                let ids = try await sql.select().column("id").from("events")
                    .where("date_created", .lessThan, cutoff).where("object_type", .notEqual, "api_key")
                    .limit(batch).all(decodingColumn: "id", as: String.self)
                if !ids.isEmpty { try await sql.delete(from: "events").where("id", .in, ids).run() }
                return ids.count
            }
            total += deleted
            if deleted < batch { return total }
        }
    }
}
