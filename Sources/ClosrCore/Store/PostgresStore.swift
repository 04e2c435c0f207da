import ClosrModel
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL, for production and for several `closr serve` nodes on one database (DESIGN.md
/// "Storage"): a pool of connections (postgres-nio's `PostgresClient`), SQLKit's PostgreSQL dialect,
/// `jsonb` for JSON columns.
///
/// Versions live in the table `closr_versions`, one row per ``ChangeKind``, moved inside the transaction
/// that changed their kind — atomically with its commit, so a node that crashes after committing cannot
/// leave other nodes' caches stale — and read once per request by every node.
final class PostgresStore: Store {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let batcher = InsertBatcher()
    private let versionReads: FreshReadCoalescer<StoreVersions>
    /// Bounded reads (searches) hold at most half the pool's 16 connections at once.
    private let boundedReads = AsyncPermits(8)
    private let lanes = SerialLanes()
    let dialect = StoreDialect.postgresql

    private init(client: PostgresClient) {
        self.client = client
        self.runner = Task { await client.run() }
        self.versionReads = FreshReadCoalescer { try await Self.readVersions(client) }
    }

    /// Connects once to say clearly what is wrong with a bad URL or an unreachable server, then starts
    /// the pool and makes sure the versions table exists.
    /// With `creating` false nothing is created: a schema without Closr's tables is
    /// ``StoreError/missing(_:)``.
    static func open(url text: String, creating: Bool = true) async throws -> PostgresStore {
        let location = try PostgresLocation(parsing: text)
        var logger = Logger(label: "closr.postgres")
        // Errors reach the caller as thrown errors; the pool's own notices (a lease that raced the pool's
        // start) are not the operator's business.
        logger.logLevel = .error
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: location.connection, id: 0, logger: logger
            )
        } catch {
            throw StoreError.cannotOpen("Cannot connect to \(location.redacted): \(Self.describe(error))")
        }
        do {
            if creating {
                if let schema = location.schema { try await createSchema(schema, on: connection.sql(queryLogLevel: nil)) }
            } else {
                try await requireTables(in: location.schema, on: connection.sql(queryLogLevel: nil), named: location.redacted)
            }
            try await connection.close()
        } catch let error as StoreError {
            try? await connection.close()
            throw error
        } catch {
            try? await connection.close()
            throw StoreError.cannotOpen("Cannot prepare \(location.redacted): \(Self.describe(error))")
        }
        let store = PostgresStore(client: PostgresClient(
            configuration: location.pool, eventLoopGroup: RoundRobinEventLoops(), backgroundLogger: logger
        ))
        do {
            try await store.createVersionsTable()
        } catch {
            try? await store.close()
            throw StoreError.cannotOpen("Cannot prepare \(location.redacted): \(Self.describe(error))")
        }
        return store
    }

    /// Throws ``StoreError/missing(_:)`` unless the schema (the URL's, else the connection's current one)
    /// holds Closr's migration table.
    private static func requireTables(in schema: String?, on sql: some SQLDatabase, named name: String) async throws {
        let found = try await sql.raw("""
            SELECT 1 AS found FROM information_schema.tables
            WHERE table_schema = COALESCE(\(bind: schema)::text, current_schema()) AND table_name = 'schema_migrations'
            """).first()
        guard found != nil else {
            throw StoreError.missing("\(name) has no Closr tables yet: `closr serve` or `closr migrate` creates them")
        }
    }

    /// Creates the URL's schema unless it exists. Two nodes starting together may both try (`IF NOT
    /// EXISTS` still races in the catalogue): whichever loses finds the schema there, which is all it needs.
    private static func createSchema(_ schema: String, on sql: some SQLDatabase) async throws {
        do {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        } catch {
            let exists = try await sql.select().column(SQLLiteral.numeric("1"), as: "found").from("pg_namespace")
                .where("nspname", .equal, schema).first()
            if exists == nil { throw error }
        }
    }

    /// The server's own message where there is one (`PSQLError` hides it from `description`).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            switch error.code {
            case .connectionError: return "the server could not be reached"
            default: return String(describing: error.code)
            }
        }
        return String(describing: error)
    }

    private func createVersionsTable() async throws {
        try await transaction { sql in
            try await sql.execute(sql: StoreLock.schema, { _ in })
            try await sql.create(table: "closr_versions").ifNotExists()
                .column("kind", type: .text, .primaryKey(autoIncrement: false))
                .column("version", type: .bigint, .notNull)
                .run()
            var insert = sql.insert(into: "closr_versions").columns("kind", "version")
            for kind in ChangeKind.allCases { insert = insert.values(kind.name, 0) }
            try await insert.ignoringConflicts(with: ["kind"]).run()
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(PostgresSQLDatabase(connection, preparing: true))
        }
    }

    /// In a read-only transaction whose `statement_timeout` (set `LOCAL`, so it ends with the
    /// transaction whatever happens) is the deadline, with custom plans; at most half the pool's
    /// connections at once, and one per lane.
    func boundedRead<T: Sendable>(lane: String, deadline: Duration, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let milliseconds = max(1, Int(deadline.components.seconds) * 1000 + Int(deadline.components.attoseconds / 1_000_000_000_000_000))
        return try await lanes.withLane(lane) {
            try await self.boundedReads.withPermit {
                try await self.client.withConnection { connection in
                    let sql = PostgresSQLDatabase(connection, preparing: true)
                    try await sql.raw("BEGIN READ ONLY").run()
                    do {
                        // One round trip for both settings, each ending with the transaction. Custom plans:
                        // the pool's sessions use generic ones (cheaper for point reads), but a search's
                        // best plan depends on its words — a generic one walked a million leads in date
                        // order testing each (6 s) where the plan for the word read two rows (0.5 ms).
                        try await sql.raw("""
                            SELECT set_config('statement_timeout', \(bind: String(milliseconds)), true),
                                set_config('plan_cache_mode', 'force_custom_plan', true)
                            """).run()
                        let result = try await body(sql)
                        try await sql.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await sql.raw("ROLLBACK").run()
                        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "57014" {
                            throw StatementDeadlineExceeded(limit: deadline)
                        }
                        throw error
                    }
                }
            }
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let sql = PostgresSQLDatabase(connection, preparing: false)
            let changes = ChangeSet()
            try await sql.raw("BEGIN").run()
            do {
                let result = try await body(ChangeRecorder(base: sql, changes: changes))
                let changed = changes.all
                if !changed.isEmpty {
                    // Last before the commit, so the row lock on a version is held only for the commit.
                    try await sql.update("closr_versions").set("version", to: SQLRaw("version + 1"))
                        .where("kind", .in, changed.sorted { $0.rawValue < $1.rawValue }.map(\.name)).run()
                }
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement]) async throws {
        try await batcher.insert(rows, requiring: requirements, into: self)
    }

    /// Read on every authenticated request: requests that wait together share one read that began
    /// after each of them did (``FreshReadCoalescer``), through a statement each connection prepares once
    /// (``VersionsStatement``), so the server neither parses nor plans it again.
    func versions() async throws -> StoreVersions {
        try await versionReads.value()
    }

    private static func readVersions(_ client: PostgresClient) async throws -> StoreVersions {
        var versions = StoreVersions()
        for try await (name, version) in try await client.execute(VersionsStatement()) {
            if let kind = ChangeKind.allCases.first(where: { $0.name == name }) {
                versions[kind] = UInt64(bitPattern: version)
            }
        }
        return versions
    }

    /// Autovacuum analyses tables as they change.
    func optimize() async throws {}

    func close() async throws {
        runner.cancel()
        _ = await runner.value
    }
}

/// `SELECT kind, version FROM closr_versions`, prepared once per pooled connection by postgres-nio.
/// The table is found through the connection's `search_path`, so each schema gets its own.
struct VersionsStatement: PostgresPreparedStatement {
    typealias Row = (String, Int64)
    static let name = "closr_versions_read"
    static let sql = "SELECT kind, version FROM closr_versions"

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// A `postgres://` URL taken apart: the connection it names, an optional `schema=` of Closr's own
/// (tables live in that schema, created if missing), and a form safe to print (no password).
struct PostgresLocation: Sendable {
    let connection: PostgresConnection.Configuration
    let pool: PostgresClient.Configuration
    let schema: String?
    let redacted: String

    init(parsing text: String) throws {
        guard var components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw StoreError.cannotOpen("Unreadable PostgreSQL URL: use postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let schema = components.queryItems?.last(where: { $0.name == "schema" })?.value
        if let schema, schema.isEmpty || !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw StoreError.cannotOpen("The schema= of a PostgreSQL URL takes letters, digits and _ only")
        }
        components.queryItems = components.queryItems?.filter { $0.name != "schema" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        redacted = "postgres://\(components.user.map { "\($0)@" } ?? "")\(host)\(components.port.map { ":\($0)" } ?? "")\(components.path)"
        guard let url = components.url, let parsed = try? SQLPostgresConfiguration(url: url) else {
            throw StoreError.cannotOpen("Unreadable PostgreSQL URL \(redacted): use postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        var connection = parsed.coreConfiguration
        if let schema { connection.options.additionalStartupParameters.append(("search_path", schema)) }
        self.connection = connection
        self.schema = schema
        var pool = PostgresClient.Configuration(
            host: connection.host ?? host, port: connection.port ?? 5432, username: connection.username,
            password: connection.password, database: connection.database, tls: Self.tls(connection.tls)
        )
        // Reads are prepared once per connection (``PostgresPreparedStatements``), but PostgreSQL's
        // default plan-cache mode kept planning `GET /lead/{id}/` anew at every bind (0.30 ms of bind
        // against 0.17 ms of execution in its log) because the generic plan's estimate never won. The
        // statements Closr prepares are tenant- and id-keyed look-ups whose plan does not depend on the
        // values, so the pool's connections always use the generic plan; unprepared statements are
        // planned with their values as before.
        pool.options.additionalStartupParameters = connection.options.additionalStartupParameters
            + [("plan_cache_mode", "force_generic_plan")]
        pool.options.maximumConnections = 16
        pool.options.minimumConnections = 1
        self.pool = pool
    }

    /// `tlsmode=require` verifies the server; `prefer` (the default, as libpq's) encrypts if it can.
    private static func tls(_ tls: PostgresConnection.Configuration.TLS) -> PostgresClient.Configuration.TLS {
        if tls.isEnforced, let context = tls.sslContext { return .require(context.configuration) }
        if tls.isAllowed, let context = tls.sslContext {
            var configuration = context.configuration
            configuration.certificateVerification = .none
            return .prefer(configuration)
        }
        return .disable
    }
}

/// What a JSON column holds, bound as text on SQLite and as `jsonb` on PostgreSQL.
extension StoredJSON: PostgresNonThrowingEncodable {
    public static var psqlType: PostgresDataType { .jsonb }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(UInt8(1))
        buffer.writeString(text)
    }
}
