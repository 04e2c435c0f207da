import struct GRDB.Configuration
import class GRDB.Database
import class GRDB.DatabaseQueue
import struct GRDB.DatabaseValue
import class GRDB.Row
import class GRDB.Statement
import struct GRDB.StatementArguments

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

    private init(queue: DatabaseQueue) {
        self.queue = queue
    }

    /// Opens `path` (creating the file when `readOnly` is false) with the settings of DESIGN.md
    /// "Storage": WAL (set by the writer), `synchronous = NORMAL`, foreign keys on, a 10 s busy timeout.
    /// Reads the schema once, so a file that is not a database fails here rather than on a request.
    static func open(path: String, readOnly: Bool) throws -> SQLiteConnection {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.journalMode = readOnly ? .default : .wal
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        // Transactions span several statements, each its own call (see `SQLiteStore.transaction`).
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let connection = SQLiteConnection(queue: try DatabaseQueue(path: path, configuration: configuration))
        _ = try connection.run(sql: "SELECT count(*) FROM sqlite_master", binds: [])
        return connection
    }

    /// Runs one statement with its bound values and returns every row it produced.
    func run(sql: String, binds: [DatabaseValue]) throws -> [SQLiteRow] {
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
