import ClosrModel
import SQLKit
import Synchronization

/// Remembers the newest use of each key in memory and writes it out in batches, so that an authenticated
/// request never waits on a database write (DESIGN.md "API keys": at most one flush a second per key,
/// and one at shutdown).
public final class LastUsedRecorder: Sendable {
    struct Use: Sendable {
        let organizationID: String
        let date: CloseTimestamp
        let ip: String?
        let userAgent: String?
    }

    private let pending = Mutex<[String: Use]>([:])
    private let store: any Store

    init(store: any Store) {
        self.store = store
    }

    /// Notes a use; cheap enough for every request.
    func record(keyID: String, organizationID: String, at date: CloseTimestamp, ip: String?, userAgent: String?) {
        let userAgent = userAgent.map { $0.utf8.count <= 512 ? $0 : String($0.prefix(512)) }
        let use = Use(organizationID: organizationID, date: date, ip: ip, userAgent: userAgent)
        pending.withLock { $0[keyID] = use }
    }

    /// The newest unflushed use of a key, so lists can show it before it reaches the database.
    func pendingUse(keyID: String) -> APIKey.LastUsed? {
        pending.withLock { $0[keyID] }.map { APIKey.LastUsed(date: $0.date, ip: $0.ip, userAgent: $0.userAgent) }
    }

    /// Writes every pending use, one transaction per organization. A use older than the stored one
    /// (written by another server node) does not overwrite it.
    public func flush() async throws {
        let batch = pending.withLock { pending in
            let batch = pending
            pending.removeAll()
            return batch
        }
        guard !batch.isEmpty else { return }
        let byOrganization = Dictionary(grouping: batch, by: { $0.value.organizationID })
        for (organizationID, uses) in byOrganization {
            let uses = uses.map { (keyID: $0.key, use: $0.value) }
            do {
                try await OrgScope(organizationID: organizationID, store: store).write { db in
                    for (keyID, use) in uses {
                        try await db.update(.apiKeys)
                            .set("last_used_at", to: use.date.microseconds)
                            .set("last_used_ip", to: use.ip)
                            .set("last_used_user_agent", to: use.userAgent)
                            .where("id", .equal, keyID)
                            .where { $0.where("last_used_at", .is, SQLLiteral.null).orWhere("last_used_at", .lessThan, use.date.microseconds) }
                            .run()
                    }
                }
            } catch {
                // Put the uses back so the next flush retries them, unless a newer use has arrived.
                pending.withLock { pending in
                    for (keyID, use) in uses where pending[keyID] == nil { pending[keyID] = use }
                }
                throw error
            }
        }
    }
}
