import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Synchronization

/// SQLite as DESIGN.md "Storage" sets it up: one file, WAL, `synchronous=NORMAL`, foreign keys on,
/// a busy timeout; every write through one connection, reads spread over a small pool.
///
/// Several processes may open the same file (a running server and `closr keys create`): WAL lets
/// readers run beside the writer, and the busy timeout makes a second writer wait instead of failing.
final class SQLiteStore: Store {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncSerialLock()
    private let nextReader = ReaderCursor()
    /// One counter per ``ChangeKind``, by its raw value, shared by every process on this file.
    private let counters: [SharedFileCounter]
    private let batcher = InsertBatcher()
    let dialect = StoreDialect.sqlite

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], signalsPath: String) throws {
        self.writer = writer
        self.readers = readers
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
        // Every connection opened so far is closed on any failure: SQLiteNIO stops the process when a
        // connection is dropped unclosed (a file that is not a database fails its first PRAGMA).
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await openConnection(path: path, logger: logger, into: &opened)
            // WAL is a property of the file, so the writer sets it once before any reader opens.
            try await writer.sql().raw("PRAGMA journal_mode = WAL").run()
            var readers: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                readers.append(try await openConnection(path: path, logger: logger, into: &opened))
            }
            // Beside the database file, shared by every process that opens it.
            return try SQLiteStore(writer: writer, readers: readers, signalsPath: path + "-signals")
        } catch {
            for connection in opened { try? await connection.close() }
            throw StoreError.cannotOpen("sqlite:\(path) cannot be used as a database: \(StoreError.describe(error))")
        }
    }

    private static func openConnection(path: String, logger: Logger, into opened: inout [SQLiteConnection]) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path),
            threadPool: .singleton,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        )
        opened.append(connection)
        let sql = connection.sql()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        // Reads the schema: a file that is not a database fails here, not on the first request.
        try await sql.raw("SELECT count(*) FROM sqlite_master").run()
        return connection
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = readers[nextReader.next(modulo: readers.count)]
        return try await body(reader.sql())
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let sql = writer.sql()
        let changes = ChangeSet()
        let result = try await writeLock.withLock {
            // IMMEDIATE takes the write lock up front, so another process's writer makes us wait on the
            // busy timeout here rather than fail halfway through the transaction.
            try await sql.raw("BEGIN IMMEDIATE").run()
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

    func versions() async throws -> StoreVersions {
        var versions = StoreVersions()
        for kind in ChangeKind.allCases { versions[kind] = counters[kind.rawValue].current() }
        return versions
    }

    func close() async throws {
        for reader in readers { try await reader.close() }
        try await writer.close()
    }
}

/// Round-robin index over the reader connections.
private final class ReaderCursor: Sendable {
    private let counter = Mutex<Int>(0)

    func next(modulo count: Int) -> Int {
        counter.withLock { value in
            value = (value + 1) % count
            return value
        }
    }
}
