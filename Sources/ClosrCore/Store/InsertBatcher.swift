import ClosrModel
import SQLKit
import Synchronization

/// Rows for one tenant table with the organization's id among their columns, built by
/// ``OrgScope/row(into:_:)`` so that no batch can hold a row without its tenant.
public struct TenantRow: Sendable {
    let table: TenantTable
    let columns: [String]
    let values: [any Encodable & Sendable]
}

/// A row that must still exist when a batch commits (checked inside its transaction), and the error
/// its request fails with if it does not — say, the status a new lead was validated against, deleted
/// since by another request.
public struct TenantRequirement: Sendable {
    let table: TenantTable
    let organizationID: String
    let id: String
    let error: CloseError
}

/// Commits the rows of requests that arrive together in one transaction.
///
/// A write transaction here costs mostly waiting, not work: each statement is a hand-off to the
/// database thread and back, and SQLite has one writer. Creating a lead took five such hand-offs
/// (begin, lead, contacts, event, commit) under the write lock — about a millisecond of wall time, so
/// 950 leads per second with the processor two-thirds idle. Creations are pure inserts once validated,
/// so requests waiting together are written together: one transaction, one multi-row `INSERT` per table
/// and column list, one commit. Each caller returns only after the commit that holds its rows.
/// If a batch fails, each request's rows are retried in a transaction of their own, so one bad request
/// cannot fail another's.
final class InsertBatcher: Sendable {
    private final class Waiter: Sendable {
        let rows: [TenantRow]
        let requirements: [TenantRequirement]
        private let state = Mutex<(result: Result<Void, any Error>?, continuation: CheckedContinuation<Void, any Error>?)>((nil, nil))

        init(rows: [TenantRow], requirements: [TenantRequirement]) {
            self.rows = rows
            self.requirements = requirements
        }

        func finish(_ result: Result<Void, any Error>) {
            let continuation = state.withLock { state in
                state.result = result
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(with: result)
        }

        func wait() async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result = state.withLock { state in
                    if state.result == nil { state.continuation = continuation }
                    return state.result
                }
                if let result { continuation.resume(with: result) }
            }
        }
    }

    private let queue = Mutex<(pending: [Waiter], flushing: Bool)>(([], false))
    /// Most binds in one statement: under SQLite's and PostgreSQL's limits with room to spare.
    private static let maxBindsPerStatement = 30_000

    init() {}

    /// Inserts `rows` (in their order, which must put rows before those that reference them) and
    /// returns once they are committed.
    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement] = [], into store: any Store) async throws {
        let waiter = Waiter(rows: rows, requirements: requirements)
        let startFlushing = queue.withLock { queue in
            queue.pending.append(waiter)
            if queue.flushing { return false }
            queue.flushing = true
            return true
        }
        if startFlushing { Task { await self.flush(store) } }
        try await waiter.wait()
    }

    private func flush(_ store: any Store) async {
        while true {
            let batch = queue.withLock { queue in
                defer { queue.pending.removeAll(keepingCapacity: true) }
                if queue.pending.isEmpty { queue.flushing = false }
                return queue.pending
            }
            guard !batch.isEmpty else { return }
            do {
                try await store.transaction { sql in
                    try await Self.check(batch.flatMap(\.requirements), on: sql)
                    try await Self.write(batch.flatMap(\.rows), on: sql)
                }
                for waiter in batch { waiter.finish(.success(())) }
            } catch {
                guard batch.count > 1 else {
                    batch[0].finish(.failure(error))
                    continue
                }
                for waiter in batch {
                    do {
                        try await store.transaction { sql in
                            try await Self.check(waiter.requirements, on: sql)
                            try await Self.write(waiter.rows, on: sql)
                        }
                        waiter.finish(.success(()))
                    } catch {
                        waiter.finish(.failure(error))
                    }
                }
            }
        }
    }

    /// Throws the error of the first requirement whose row is gone: one `SELECT` per table and organization.
    private static func check(_ requirements: [TenantRequirement], on sql: any SQLDatabase) async throws {
        let groups = Dictionary(grouping: requirements) { "\($0.table.rawValue) \($0.organizationID)" }
        for group in groups.values {
            let first = group[0]
            let found = try await TenantDatabase(organizationID: first.organizationID, sql: sql).select(from: first.table)
                .column("id").where("id", .in, Array(Set(group.map(\.id)))).all()
                .map { try $0.decode(column: "id", as: String.self) }
            if let missing = group.first(where: { !found.contains($0.id) }) { throw missing.error }
        }
    }

    /// One `INSERT` per table and column list, in the order each first appears.
    private static func write(_ rows: [TenantRow], on sql: any SQLDatabase) async throws {
        var groups: [(key: String, rows: [TenantRow])] = []
        var index: [String: Int] = [:]
        for row in rows {
            let key = row.table.rawValue + "(" + row.columns.joined(separator: ",")
            if let position = index[key] {
                groups[position].rows.append(row)
            } else {
                index[key] = groups.count
                groups.append((key, [row]))
            }
        }
        for group in groups {
            let first = group.rows[0]
            let perStatement = max(1, maxBindsPerStatement / max(1, first.columns.count))
            var start = 0
            while start < group.rows.count {
                var insert = sql.insert(into: first.table.rawValue).columns(first.columns)
                for row in group.rows[start..<min(start + perStatement, group.rows.count)] {
                    insert = insert.values(row.values)
                }
                try await insert.run()
                start += perStatement
            }
        }
    }
}
