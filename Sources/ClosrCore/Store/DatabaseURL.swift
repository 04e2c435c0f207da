import Foundation

/// Where the data lives, as given by `--database` or `CLOSR_DATABASE_URL` (DESIGN.md "Command line").
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file; its folder is created on first start.
    case sqlite(path: String)
    /// A PostgreSQL server (`postgres://…`), opened by ``PostgresStore``.
    case postgres(url: String)

    /// The default: an SQLite file beside the working directory, so `closr serve` needs no set-up.
    public static let `default` = DatabaseURL.sqlite(path: "./closr-data/closr.sqlite")

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `postgres://…` and `postgresql://…`.
    public init(parsing text: String) throws(DatabaseURLError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
            return
        }
        guard text.hasPrefix("sqlite:") else { throw DatabaseURLError(text: text) }
        var path = String(text.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        guard !path.isEmpty else { throw DatabaseURLError(text: text) }
        self = .sqlite(path: path)
    }

    /// Where the server's secret key lives unless told otherwise: beside an SQLite file (it belongs with
    /// that database), else in `./closr-data/`.
    public var defaultSecretKeyFile: String {
        switch self {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return (folder.isEmpty ? "." : folder) + "/secret.key"
        case .postgres: return "./closr-data/secret.key"
        }
    }

    /// Never includes a PostgreSQL password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres: return "postgres://…"
        }
    }
}

/// A `--database` value that is neither `sqlite:PATH` nor a PostgreSQL URL.
public struct DatabaseURLError: Error, CustomStringConvertible {
    public let text: String
    public var description: String {
        "Unsupported database URL '\(text)': use sqlite:PATH or postgres://USER:PASSWORD@HOST/DB"
    }
}
