import ClosrModel
import SQLKit
import Synchronization

/// Remembers the newest use of each key in memory and writes it out in batches, so that an authenticated
/// request never waits on a database write (DESIGN.md "API keys": at most one flush a second per key,
/// and one at shutdown).
public final class LastUsedRecorder: Sendable {
    struct Use: Sendable {
        let keyID: String
        let organizationID: String
        let date: CloseTimestamp
        let ip: String?
        let userAgent: String?
    }

    /// What is in memory: uses not yet written, keyed by the secret's digest (which hashes without
    /// touching a string), and uses written recently, kept so that a list whose read began before the
    /// write committed still shows them.
    private struct State {
        var pending: [SecretDigest: Use] = [:]
        var written: [String: (use: Use, at: ContinuousClock.Instant)] = [:]
    }

    /// How long a written use stays visible from memory: far longer than any single read takes.
    static let writtenUseRetention: Duration = .seconds(10)

    private let state = Mutex(State())
    private let store: any Store

    init(store: any Store) {
        self.store = store
    }

    /// Notes a use; cheap enough for every request.
    func record(_ digest: SecretDigest, keyID: String, organizationID: String, at date: CloseTimestamp, ip: String?, userAgent: String?) {
        let userAgent = userAgent.map { $0.utf8.count <= 512 ? $0 : String($0.prefix(512)) }
        let use = Use(keyID: keyID, organizationID: organizationID, date: date, ip: ip, userAgent: userAgent)
        state.withLock { $0.pending[digest] = use }
    }

    /// The newest use of a key known to this node — unwritten, or written in the last few seconds — so a
    /// list shows it whether or not its read saw the write.
    func pendingUse(keyID: String) -> APIKey.LastUsed? {
        state.withLock { state in
            let unwritten = state.pending.values.first { $0.keyID == keyID }
            let written = state.written[keyID]?.use
            return [unwritten, written].compactMap { $0 }.max { $0.date < $1.date }
        }
        .map { APIKey.LastUsed(date: $0.date, ip: $0.ip, userAgent: $0.userAgent) }
    }

    /// Writes every pending use in one transaction, each through its organization's scope. A use older
    /// than the stored one (written by another server node) does not overwrite it. Uses stay pending
    /// until the write has committed and are kept a little longer after, so a list whose read started
    /// before the commit still sees them.
    public func flush() async throws {
        let now = ContinuousClock.now
        let batch = state.withLock { state in
            state.written = state.written.filter { now - $0.value.at < Self.writtenUseRetention }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        let byOrganization = Dictionary(grouping: batch.values, by: \.organizationID)
        try await store.transaction { sql in
            // One UPDATE per organization, however many of its keys were used: a searched CASE per column
            // picks each key's new value, and keeps the stored one where it is newer (another node's).
            for (organizationID, uses) in byOrganization {
                let newer = uses.map { use in
                    (condition: SQLNewerUse(keyID: use.keyID, date: use.date.microseconds), use: use)
                }
                try await TenantDatabase(organizationID: organizationID, sql: sql).update(.apiKeys)
                    .set("last_used_at", to: SQLCaseByKey(column: "last_used_at", branches: newer.map { ($0.condition, $0.use.date.microseconds) }))
                    .set("last_used_ip", to: SQLCaseByKey(column: "last_used_ip", branches: newer.map { ($0.condition, $0.use.ip) }))
                    .set("last_used_user_agent", to: SQLCaseByKey(column: "last_used_user_agent", branches: newer.map { ($0.condition, $0.use.userAgent) }))
                    .where("id", .in, uses.map(\.keyID))
                    .run()
            }
        }
        // Move what was written out of pending, unless a newer use arrived meanwhile.
        let committed = ContinuousClock.now
        state.withLock { state in
            for (digest, use) in batch {
                state.written[use.keyID] = (use, committed)
                if state.pending[digest]?.date == use.date { state.pending[digest] = nil }
            }
        }
    }
}

/// `id = ? AND (last_used_at IS NULL OR last_used_at < ?)`: this key, and only if the use is newer.
struct SQLNewerUse: SQLExpression {
    let keyID: String
    let date: Int64

    func serialize(to serializer: inout SQLSerializer) {
        SQLBinaryExpression(
            SQLBinaryExpression(SQLColumn("id"), .equal, SQLBind(keyID)),
            .and,
            SQLGroupExpression(SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("last_used_at"), .is, SQLLiteral.null),
                .or,
                SQLBinaryExpression(SQLColumn("last_used_at"), .lessThan, SQLBind(date))
            ))
        ).serialize(to: &serializer)
    }
}

/// `CASE WHEN <condition> THEN ? … ELSE <column> END`, the same in SQLite and PostgreSQL.
struct SQLCaseByKey: SQLExpression {
    let column: String
    let branches: [(SQLNewerUse, any Encodable & Sendable)]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("CASE")
        for (condition, value) in branches {
            serializer.write(" WHEN ")
            condition.serialize(to: &serializer)
            serializer.write(" THEN ")
            SQLBind(value).serialize(to: &serializer)
        }
        serializer.write(" ELSE ")
        SQLColumn(column).serialize(to: &serializer)
        serializer.write(" END")
    }
}
