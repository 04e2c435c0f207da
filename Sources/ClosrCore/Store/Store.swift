import SQLKit

/// The database behind Closr, whatever its dialect: reads on a pool, writes in transactions.
///
/// Nothing outside ClosrCore sees an `SQLDatabase`; services reach tenant data through ``OrgScope``,
/// which is built on these two calls.
public protocol Store: Sendable {
    /// Runs `body` on a connection for reading (it may see data committed by other connections).
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes every connection; the store is unusable afterwards.
    func close() async throws
    /// Moves whenever an API key changes, in every process that shares this database.
    var keyChanges: any ChangeSignal { get }
    /// Moves whenever an organization, user or membership changes.
    var accountChanges: any ChangeSignal { get }
    /// Moves whenever a lead is created or deleted (what an organization's lead count depends on).
    var leadCountChanges: any ChangeSignal { get }
    /// Writes the inserts of requests that arrive together in one transaction.
    var insertBatcher: InsertBatcher { get }
}

/// Opens the store a URL names and brings its schema up to date.
public enum StoreFactory {
    public static func open(_ url: DatabaseURL, migrate: Bool = true) async throws -> any Store {
        let store: any Store
        switch url {
        case .sqlite(let path):
            store = try await SQLiteStore.open(path: path)
        case .postgres:
            throw StoreError.unsupported("PostgreSQL support is not built yet; use sqlite:PATH")
        }
        if migrate {
            do {
                try await Migrator(store: store).migrate()
            } catch {
                try? await store.close()
                throw error
            }
        }
        return store
    }
}

/// Failures opening or using the store that are about configuration, not about one request.
public enum StoreError: Error, CustomStringConvertible {
    case unsupported(String)
    case cannotCreateFolder(String)

    public var description: String {
        switch self {
        case .unsupported(let message): return message
        case .cannotCreateFolder(let path): return "Cannot create the database folder \(path)"
        }
    }
}
