import struct GRDB.DatabaseValue
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// SQLKit's view of SQLite connections: every statement is serialised with ``SQLiteDialect`` and run at
/// once on one connection — the writer inside a transaction, or whichever reader is free.
struct SQLiteSQLDatabase: SQLDatabase {
    /// Where a statement runs: the writer, any of the readers, or — for reads that may be slow — any of
    /// the interruptible readers, on their own threads, stopped at the deadline.
    enum Connections: Sendable {
        case writer(SQLiteConnection)
        case readers(SQLiteReaders)
        case bounded(SQLiteReaders, threads: NIOThreadPool, deadline: ReadDeadline)
    }

    let connections: Connections
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    /// Statements are not logged: their binds may hold key hashes and customers' data.
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        if case .bounded = connections {
            return eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
        }
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard case .bounded(let readers, let threads, let deadline) = connections else {
            try run(query, onRow)
            return
        }
        let (sql, binds) = try serialize(query)
        let rows = try await threads.runIfActive {
            BoundedReadThreads.yieldToRequests()
            return try readers.withReader { try $0.run(sql: sql, binds: binds, deadline: deadline) }
        }
        for row in rows { onRow(row) }
    }

    private func serialize(_ query: any SQLExpression) throws -> (String, [DatabaseValue]) {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        return (serializer.sql, try SQLiteBinds.values(serializer.binds))
    }

    /// Rows are handed over after the statement has finished and its connection is free again.
    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = try serialize(query)
        let rows: [SQLiteRow]
        switch connections {
        case .writer(let writer): rows = try writer.run(sql: sql, binds: binds)
        case .readers(let readers), .bounded(let readers, _, _): rows = try readers.withReader { try $0.run(sql: sql, binds: binds) }
        }
        for row in rows { onRow(row) }
    }
}

/// The reader connections, each lent to one statement at a time: a free one when there is one, so two
/// threads reading at once do not queue behind the same connection.
final class SQLiteReaders: Sendable {
    let all: [SQLiteConnection]
    private let busy: Mutex<[Bool]>
    private let overflow = Atomic<UInt>(0)

    init(_ connections: [SQLiteConnection]) {
        all = connections
        busy = Mutex(Array(repeating: false, count: connections.count))
    }

    func withReader<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let claimed = busy.withLock { busy -> Int? in
            guard let free = busy.firstIndex(of: false) else { return nil }
            busy[free] = true
            return free
        }
        guard let claimed else {
            // Every reader is busy (more threads than readers): wait on one in turn.
            let index = Int(overflow.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(all.count))
            return try body(all[index])
        }
        defer { busy.withLock { $0[claimed] = false } }
        return try body(all[claimed])
    }
}
