import ClosrTestSupport
import SQLKit
import Synchronization
import Testing

@testable import ClosrCore

private final class FinishedCount: Sendable {
    let count = Mutex(0)
}

/// A bounded read (a search) is stopped at its deadline by the database itself, and while slow ones run
/// the other requests' reads go on.
@Suite struct BoundedReadTests {
    /// A statement that runs for minutes unless stopped, in the run's dialect.
    static func endless(_ store: any Store) -> SQLQueryString {
        switch store.dialect {
        case .sqlite:
            return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) SELECT count(*) AS total FROM n"
        case .postgresql:
            return "SELECT count(*) AS total FROM pg_sleep(600)"
        }
    }

    @Test func aStatementPastTheDeadlineIsStopped() async throws {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        let started = ContinuousClock.now
        await #expect(throws: StatementDeadlineExceeded.self) {
            try await store.boundedRead(lane: "test", deadline: .milliseconds(200)) { db in
                _ = try await db.raw(Self.endless(store)).all()
            }
        }
        // Stopped near its deadline, not after minutes (a generous bound: this is not a timing test).
        #expect(ContinuousClock.now - started < .seconds(60))
        // The connection is usable again, with no deadline left behind.
        let value = try await store.boundedRead(lane: "test", deadline: .seconds(30)) { db in
            try await db.raw("SELECT 7 AS seven").first()?.decode(column: "seven", as: Int.self)
        }
        #expect(value == 7)
        if store.dialect == .postgresql {
            // A search is planned for its words (a generic plan walked every lead), and only there.
            let mode = try await store.boundedRead(lane: "test", deadline: .seconds(30)) { db in
                try await db.raw("SHOW plan_cache_mode").first()?.decode(column: "plan_cache_mode", as: String.self)
            }
            #expect(mode == "force_custom_plan")
            let poolMode = try await store.read { db in
                try await db.raw("SHOW plan_cache_mode").first()?.decode(column: "plan_cache_mode", as: String.self)
            }
            #expect(poolMode == "force_generic_plan")
            let timeout = try await store.read { db in
                try await db.raw("SHOW statement_timeout").first()?.decode(column: "statement_timeout", as: String.self)
            }
            #expect(timeout == "0")
        }
        try await store.close()
    }

    @Test func otherReadsGoOnWhileSlowBoundedReadsRun() async throws {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        let finished = FinishedCount()
        var slow: [Task<Void, Never>] = []
        for _ in 0..<4 {
            slow.append(Task {
                _ = try? await store.boundedRead(lane: "test", deadline: .seconds(2)) { db in try await db.raw(Self.endless(store)).all() }
                finished.count.withLock { $0 += 1 }
            })
        }
        try await Task.sleep(for: .milliseconds(200))
        for _ in 0..<20 {
            let organizations = try await store.read { db in
                try await db.raw("SELECT count(*) AS total FROM organizations").first()?.decode(column: "total", as: Int.self)
            }
            #expect(organizations == 0)
        }
        #expect(finished.count.withLock { $0 } == 0, "the slow reads ended before the others could run")
        for task in slow { await task.value }
        try await store.close()
    }

    /// One bounded read at a time per lane (an organization): a second read of the same lane waits for
    /// the first; a read of another lane does not.
    @Test func eachLaneRunsOneBoundedReadAtATime() async throws {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        let finished = FinishedCount()
        let slow = Task {
            _ = try? await store.boundedRead(lane: "noisy", deadline: .seconds(2)) { db in try await db.raw(Self.endless(store)).all() }
            finished.count.withLock { $0 += 1 }
        }
        try await Task.sleep(for: .milliseconds(200))
        let other = try await store.boundedRead(lane: "quiet", deadline: .seconds(30)) { db in
            try await db.raw("SELECT 7 AS seven").first()?.decode(column: "seven", as: Int.self)
        }
        #expect(other == 7)
        #expect(finished.count.withLock { $0 } == 0, "another lane's read waited for the slow one")
        let same = try await store.boundedRead(lane: "noisy", deadline: .seconds(30)) { _ in finished.count.withLock { $0 } }
        #expect(same == 1, "the same lane's second read ran beside its first")
        await slow.value
        try await store.close()
    }

    /// On SQLite the deadline bounds the whole read, not each statement: a statement that starts after
    /// it has passed is stopped.
    @Test func onSQLiteTheDeadlineBoundsTheWholeRead() async throws {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        guard store.dialect == .sqlite else { return try await store.close() }
        // Enough virtual-machine steps for the progress handler to look at the clock.
        let steps: SQLQueryString = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT count(*) AS total FROM n"
        let fresh = try await store.boundedRead(lane: "test", deadline: .seconds(30)) { db in
            try await db.raw(steps).first()?.decode(column: "total", as: Int.self)
        }
        #expect(fresh == 100_000)
        await #expect(throws: StatementDeadlineExceeded.self) {
            try await store.boundedRead(lane: "test", deadline: .milliseconds(100)) { db in
                try await Task.sleep(for: .milliseconds(300))
                _ = try await db.raw(steps).all()
            }
        }
        try await store.close()
    }
}
