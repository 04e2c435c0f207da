import struct GRDB.Configuration
import class GRDB.Database
import class GRDB.DatabaseFunction
import class GRDB.DatabaseQueue
import struct GRDB.DatabaseValue
import class GRDB.Row
import class GRDB.Statement
import struct GRDB.StatementArguments
import struct GRDB.DatabaseError
import Dispatch
import GRDBSQLite
import Synchronization

/// One connection to the SQLite file (a GRDB `DatabaseQueue`) and the statements it has prepared.
///
/// Statements run on the caller's thread: a serial queue's `sync` does not hop threads, and a
/// statement prepared once is bound and stepped again without compiling. Those were the two costs
/// that bounded reads under sqlite-nio, which prepared every statement anew on its thread pool (the
/// CRM-core profile: compilation and the hop, not SQLite's own work, were the wall).
final class SQLiteConnection: Sendable {
    /// Prepared statements kept per connection; SQL that varies in shape (IN lists, multi-row
    /// inserts) could otherwise grow the cache without bound, so it is emptied when it fills.
    static let statementCapacity = 256

    private let queue: DatabaseQueue
    private let statements = PreparedStatements()
    /// When the statement running now must stop; checked by SQLite's progress handler on connections
    /// opened `interruptible`.
    private let deadline: StatementDeadline

    private init(queue: DatabaseQueue, deadline: StatementDeadline) {
        self.queue = queue
        self.deadline = deadline
    }

    /// Opens `path` (creating the file when `readOnly` is false) with the settings of DESIGN.md
    /// "Storage": WAL (set by the writer), `synchronous = NORMAL`, foreign keys on, a 10 s busy timeout.
    /// Reads the schema once, so a file that is not a database fails here rather than on a request.
    /// `interruptible`: a statement given a deadline (``run(sql:binds:deadline:)``) is stopped once it
    /// passes it, by SQLite itself, every thousand virtual-machine steps.
    static func open(path: String, readOnly: Bool, interruptible: Bool = false) throws -> SQLiteConnection {
        let deadline = StatementDeadline()
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.journalMode = readOnly ? .default : .wal
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        // Transactions span several statements, each its own call (see `SQLiteStore.transaction`).
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            db.add(function: searchHolds)
            if interruptible {
                sqlite3_progress_handler(db.sqliteConnection, 1000, { context in
                    Unmanaged<StatementDeadline>.fromOpaque(context!).takeUnretainedValue().hasPassed ? 1 : 0
                }, Unmanaged.passUnretained(deadline).toOpaque())
            }
        }
        let connection = SQLiteConnection(queue: try DatabaseQueue(path: path, configuration: configuration), deadline: deadline)
        _ = try connection.run(sql: "SELECT count(*) FROM sqlite_master", binds: [])
        return connection
    }

    /// ``LeadSearchDocumentHolds``'s function, on every connection (a search's statements may run on any).
    private static let searchHolds = DatabaseFunction(LeadSearchDocumentHolds.sqliteFunction, argumentCount: 2, pure: true) { values in
        guard let doc = String.fromDatabaseValue(values[0]), let pattern = String.fromDatabaseValue(values[1]) else { return false }
        return LeadSearchDocumentHolds.holds(doc: doc, pattern: pattern)
    }

    /// Runs one statement with its bound values and returns every row it produced. With a `deadline`
    /// (on an interruptible connection) a statement still running when it passes throws
    /// ``StatementDeadlineExceeded``.
    func run(sql: String, binds: [DatabaseValue], deadline read: ReadDeadline? = nil) throws -> [SQLiteRow] {
        guard let read else { return try run(sql: sql, binds: binds) }
        deadline.start(read)
        defer { deadline.clear() }
        do {
            return try run(sql: sql, binds: binds)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw StatementDeadlineExceeded(limit: read.limit)
        }
    }

    private func run(sql: String, binds: [DatabaseValue]) throws -> [SQLiteRow] {
        try queue.inDatabase { db in
            let statement = try statements.statement(for: sql, in: db)
            // SQLKit wrote one placeholder per value, so GRDB's check of the count can be skipped.
            statement.setUncheckedArguments(StatementArguments(binds))
            let cursor = try Row.fetchCursor(statement)
            let columns = SQLiteColumns(names: statement.columnNames)
            var rows: [SQLiteRow] = []
            while let row = try cursor.next() {
                var values: [DatabaseValue] = []
                values.reserveCapacity(columns.names.count)
                for index in columns.names.indices { values.append(row[index]) }
                rows.append(SQLiteRow(columns: columns, values: values))
            }
            return rows
        }
    }
}

/// When a bounded read must stop: the limit it was given (for the error) and the instant, in the
/// monotonic clock's nanoseconds, at which it runs out — one instant for all of the read's statements,
/// so a read of several statements is bounded as a whole.
struct ReadDeadline: Sendable {
    let limit: Duration
    let end: UInt64

    init(limit: Duration) {
        self.limit = limit
        let (seconds, attoseconds) = limit.components
        let span = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        end = DispatchTime.now().uptimeNanoseconds + max(1, span)
    }
}

/// The instant, in the monotonic clock's nanoseconds, at which a connection's statement must stop;
/// zero when none is running under a deadline. Written by the thread that runs the statement, read by
/// SQLite's progress handler on that same thread.
final class StatementDeadline: Sendable {
    private let nanoseconds = Atomic<UInt64>(0)

    func start(_ read: ReadDeadline) {
        nanoseconds.store(read.end, ordering: .relaxed)
    }

    func clear() { nanoseconds.store(0, ordering: .relaxed) }

    var hasPassed: Bool {
        let limit = nanoseconds.load(ordering: .relaxed)
        return limit != 0 && DispatchTime.now().uptimeNanoseconds >= limit
    }
}

/// A connection's prepared statements by their SQL text.
///
/// `@unchecked Sendable`: it is touched only inside its connection's `inDatabase`, which GRDB runs one
/// at a time, so the dictionary and the statements in it are never used by two threads at once.
private final class PreparedStatements: @unchecked Sendable {
    private var bySQL: [String: Statement] = [:]

    func statement(for sql: String, in db: Database) throws -> Statement {
        if let statement = bySQL[sql] { return statement }
        let statement = try db.makeStatement(sql: sql)
        if bySQL.count >= SQLiteConnection.statementCapacity { bySQL.removeAll(keepingCapacity: true) }
        bySQL[sql] = statement
        return statement
    }
}
