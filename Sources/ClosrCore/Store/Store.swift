import Foundation
import SQLKit

/// The storage seam: everything that depends on the database's dialect or on how many server nodes
/// share it lives behind this protocol (DESIGN.md "Storage").
///
/// Above it, services build the same SQLKit queries for SQLite and PostgreSQL and never say what they
/// changed: a ``transaction(_:)`` records which kinds of data its statements wrote (``ChangeKind``) and,
/// when it commits, the store moves their ``StoreVersions`` — in every process and on every node that
/// shares the database. Caches (``CoreCaches``) key their entries by those versions.
public protocol Store: Sendable {
    /// Which SQL the database speaks; the few dialect-aware expressions read it from the serializer.
    var dialect: StoreDialect { get }
    /// Runs `body` on a connection for reading (it may see data committed by other connections).
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` for a read that may be slow (a search): where it cannot hold up other requests'
    /// reads — its own threads and connections on SQLite, a bounded share of the pool on PostgreSQL —,
    /// one at a time per `lane` (an organization: ``SerialLanes``), and stopped once it has run for
    /// `deadline` (SQLite: the whole read, by its progress handler; PostgreSQL: each statement, by
    /// `statement_timeout`), which throws ``StatementDeadlineExceeded``.
    func boundedRead<T: Sendable>(lane: String, deadline: Duration, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws. The versions
    /// of what its statements changed move when it commits, before this returns.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Inserts tenant rows (in their order, parents first) once `requirements` hold, and returns once
    /// they are committed. Each store chooses how: both commit rows of requests that arrive together in
    /// one transaction (``InsertBatcher``).
    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement]) async throws
    /// The current versions. Read before the data a cache keeps, so an entry can never outlive a change
    /// committed after it was read. SQLite: a few memory loads; PostgreSQL: one round trip.
    func versions() async throws -> StoreVersions
    /// Refreshes the statistics the query planner chooses plans by. SQLite keeps none unless asked, and
    /// without them it takes `organization_id = ?` for a narrow filter: a search then walked a million
    /// leads in date order instead of starting from the few the index matched. SQLite's `ANALYZE` with
    /// `analysis_limit` works on a sample (about a second at a million leads); the statistics live in the
    /// file, so a server runs it once it has started and then every hour (`StoreMaintenanceService`),
    /// and opening a store — as every CLI command does — does not. PostgreSQL's autovacuum analyses by
    /// itself.
    func optimize() async throws
    /// Closes every connection; the store is unusable afterwards.
    func close() async throws
}

/// A ``Store/boundedRead(lane:deadline:_:)`` ran past its deadline and was stopped.
public struct StatementDeadlineExceeded: Error, Sendable {
    public let limit: Duration
}

/// The SQL dialects Closr speaks.
public enum StoreDialect: String, Sendable {
    case sqlite
    case postgresql
}

/// Opens the store a URL names and brings its schema up to date.
public enum StoreFactory {
    /// Opens a database that must already hold Closr's tables, for the commands that only read or
    /// change one (`closr keys …`): a missing SQLite file, a missing PostgreSQL schema or one without
    /// Closr's tables is ``StoreError/missing(_:)``, and nothing is created. Only `serve` and `migrate`
    /// create a database, so a mistyped path does not leave an empty one behind.
    public static func openExisting(_ url: DatabaseURL) async throws -> any Store {
        let store: any Store
        switch url {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw StoreError.missing("There is no database at \(path): `closr serve` or `closr migrate` creates it")
            }
            store = try await SQLiteStore.open(path: path)
            guard (try? await Migrator(store: store).appliedVersions())?.isEmpty == false else {
                try? await store.close()
                throw StoreError.missing("\(path) has no Closr tables yet: `closr serve` or `closr migrate` creates them")
            }
        case .postgres(let text):
            store = try await PostgresStore.open(url: text, creating: false)
        }
        return try await migrated(store)
    }

    public static func open(_ url: DatabaseURL, migrate: Bool = true) async throws -> any Store {
        let store: any Store
        switch url {
        case .sqlite(let path):
            store = try await SQLiteStore.open(path: path)
        case .postgres(let text):
            store = try await PostgresStore.open(url: text)
        }
        return migrate ? try await migrated(store) : store
    }

    /// The store brought to the newest schema; closed if that fails.
    private static func migrated(_ store: any Store) async throws -> any Store {
        do {
            try await Migrator(store: store).migrate()
            return store
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Failures opening or using the store that are about configuration, not about one request.
public enum StoreError: Error, CustomStringConvertible {
    case unsupported(String)
    case cannotCreateFolder(String)
    case cannotOpen(String)
    /// A command that only works on an existing database found none (nothing was created).
    case missing(String)

    public var description: String {
        switch self {
        case .missing(let message): return message
        case .unsupported(let message): return message
        case .cannotCreateFolder(let path): return "Cannot create the database folder \(path)"
        case .cannotOpen(let message): return message
        }
    }

    /// A database error in one line for an operator: the driver's own message where it has one
    /// (PostgreSQL's `PSQLError` hides the server's message from its description).
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        if let error = error as? SecretKeyFileError { return error.description }
        if let message = SQLiteStore.describe(error) { return message }
        return PostgresStore.describe(error)
    }
}
