import ClosrModel
import Foundation
import struct GRDB.DatabaseError
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// The connections and threads of bounded reads: two interruptible readers, one thread each, and one
/// lane per organization (``SerialLanes``).
private final class BoundedReading: Sendable {
    let readers: SQLiteReaders
    let threads: NIOThreadPool
    let lanes = SerialLanes()

    init(path: String) throws {
        readers = SQLiteReaders(try (0..<2).map { _ in try SQLiteConnection.open(path: path, readOnly: true, interruptible: true) })
        threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
    }
}

/// SQLite as DESIGN.md "Storage" sets it up: one file, WAL, `synchronous=NORMAL`, foreign keys on,
/// a busy timeout; every write through one connection, reads spread over a small pool.
///
/// Statements run through GRDB on the calling thread from prepared statements kept per connection
/// (``SQLiteConnection``). Several processes may open the same file (a running server and
/// `closr keys create`): WAL lets readers run beside the writer, and the busy timeout makes a second
/// writer wait instead of failing.
final class SQLiteStore: Store {
    private let writer: SQLiteConnection
    /// SQLKit's faces on the readers and on the writer, built once: `read` and `transaction` run often.
    private let readSQL: SQLiteSQLDatabase
    private let writeSQL: SQLiteSQLDatabase
    /// Bounded reads (searches) run on their own connections and threads (``BoundedReading``), never on
    /// the event loops or on the readers every other request uses; made at the first bounded read, so a
    /// process that never searches (the CLI, most tests) opens no more connections or threads.
    private let bounded = Mutex<BoundedReading?>(nil)
    private let path: String
    private let logger: Logger
    private let eventLoop: any EventLoop
    private let writeLock = AsyncPermits(1)
    /// One counter per ``ChangeKind``, by its raw value, shared by every process on this file.
    private let counters: [SharedFileCounter]
    private let batcher = InsertBatcher()
    let dialect = StoreDialect.sqlite

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], signalsPath: String, logger: Logger) throws {
        self.path = path
        self.writer = writer
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        self.eventLoop = eventLoop
        self.logger = logger
        readSQL = SQLiteSQLDatabase(connections: .readers(SQLiteReaders(readers)), logger: logger, eventLoop: eventLoop)
        writeSQL = SQLiteSQLDatabase(connections: .writer(writer), logger: logger, eventLoop: eventLoop)
        self.counters = try ChangeKind.allCases.map { try SharedFileCounter(path: signalsPath, slot: $0.rawValue) }
    }

    static func open(path: String, readerCount: Int = 4) async throws -> SQLiteStore {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateFolder(folder)
        }
        var logger = Logger(label: "closr.sqlite")
        logger.logLevel = .warning
        do {
            // WAL is a property of the file, so the writer sets it once before any reader opens.
            let writer = try SQLiteConnection.open(path: path, readOnly: false)
            let readers = try (0..<readerCount).map { _ in try SQLiteConnection.open(path: path, readOnly: true) }
            // Beside the database file, shared by every process that opens it.
            return try SQLiteStore(path: path, writer: writer, readers: readers, signalsPath: path + "-signals", logger: logger)
        } catch {
            throw StoreError.cannotOpen("sqlite:\(path) cannot be used as a database: \(StoreError.describe(error))")
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await body(readSQL)
    }

    func boundedRead<T: Sendable>(lane: String, deadline: Duration, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let path = self.path
        let reading = try bounded.withLock { current in
            if let current { return current }
            let made = try BoundedReading(path: path)
            current = made
            return made
        }
        let logger = self.logger
        let eventLoop = self.eventLoop
        return try await reading.lanes.withLane(lane) {
            // The deadline starts once the lane is this read's: waiting behind the organization's own
            // earlier searches does not count against it.
            try await body(SQLiteSQLDatabase(
                connections: .bounded(reading.readers, threads: reading.threads, deadline: ReadDeadline(limit: deadline)),
                logger: logger, eventLoop: eventLoop
            ))
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let sql = writeSQL
        let changes = ChangeSet()
        let result = try await writeLock.withPermit {
            // IMMEDIATE takes the write lock up front, so another process's writer makes us wait on the
            // busy timeout here rather than fail halfway through the transaction. That wait happens on
            // NIO's blocking-work pool, never on a thread that serves requests.
            let writer = self.writer
            try await NIOThreadPool.singleton.runIfActive { _ = try writer.run(sql: "BEGIN IMMEDIATE", binds: []) }
            do {
                let result = try await body(ChangeRecorder(base: sql, changes: changes))
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
        // After the commit, before returning: a reader that saw the old counter may have cached newer
        // data under it (harmless); none can cache older data under the new one.
        for kind in changes.all { counters[kind.rawValue].increment() }
        return result
    }

    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement]) async throws {
        try await batcher.insert(rows, requiring: requirements, into: self)
    }

    /// On the writer, on NIO's blocking pool (an analysis of a large file takes a moment); readers see
    /// the new statistics when they next prepare a statement.
    func optimize() async throws {
        let writer = self.writer
        try await writeLock.withPermit {
            try await NIOThreadPool.singleton.runIfActive {
                // `PRAGMA optimize` would be the lighter call, but before SQLite 3.46 it only looks at
                // tables this connection has queried; the sampled ANALYZE takes about a second at a
                // million leads.
                _ = try writer.run(sql: "PRAGMA analysis_limit = 1000", binds: [])
                _ = try writer.run(sql: "ANALYZE", binds: [])
                // Statistics of a nearly empty table are worse than none: they tell the planner a scan
                // is cheap, and the table grows (a store opened empty and then filled made each
                // search-document update scan). Below a thousand rows SQLite's defaults are kept, and
                // `ANALYZE sqlite_schema` makes the planner read what is left.
                _ = try writer.run(sql: """
                    DELETE FROM sqlite_stat1
                    WHERE CAST(substr(stat, 1, instr(stat || ' ', ' ') - 1) AS INTEGER) < 1000
                    """, binds: [])
                _ = try writer.run(sql: "ANALYZE sqlite_schema", binds: [])
            }
        }
    }

    func versions() async throws -> StoreVersions {
        var versions = StoreVersions()
        for kind in ChangeKind.allCases { versions[kind] = counters[kind.rawValue].current() }
        return versions
    }

    /// Connections close when the last reference to them goes (GRDB closes a queue's connection as it
    /// is released); nothing is pending once every transaction has returned. The bounded reads'
    /// threads stop here.
    func close() async throws {
        if let reading = bounded.withLock({ $0 }) { try await reading.threads.shutdownGracefully() }
    }

    /// SQLite's own words for an error, without the statement (which may hold customers' data).
    static func describe(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        return error.message ?? "SQLite error \(error.resultCode.rawValue)"
    }
}
