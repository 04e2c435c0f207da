import ClosrCore
import Foundation

/// A fresh, empty database for one test, of the dialect the run asks for.
///
/// `CLOSR_TEST_DIALECT=postgresql` with `CLOSR_TEST_POSTGRES_URL=postgres://…` runs the suite on
/// PostgreSQL, each test in a schema of its own (`schema=` of a Closr URL); otherwise each test gets an
/// SQLite file in a temporary folder. `.ci/run` runs the whole suite both ways.
public enum TestDatabase {
    /// The dialect of this run.
    public static var dialect: StoreDialect {
        ProcessInfo.processInfo.environment["CLOSR_TEST_DIALECT"] == "postgresql" ? .postgresql : .sqlite
    }

    /// The PostgreSQL server of this run (also used by tests that need PostgreSQL whatever the dialect);
    /// nil when none is configured.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CLOSR_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A URL for a new empty database: an SQLite file, or a new PostgreSQL schema.
    public static func fresh(_ name: String = "closr") throws -> DatabaseURL {
        switch dialect {
        case .sqlite:
            return .sqlite(path: temporaryFolder().appendingPathComponent("\(name).sqlite").path)
        case .postgresql:
            return try freshPostgres()
        }
    }

    /// A new PostgreSQL schema on this run's server.
    public static func freshPostgres() throws -> DatabaseURL {
        guard let base = postgresURL else { throw TestDatabaseError.noPostgres }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return .postgres(url: base + (base.contains("?") ? "&" : "?") + "schema=" + schema)
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("closr-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

public enum TestDatabaseError: Error, CustomStringConvertible {
    case noPostgres

    public var description: String {
        "CLOSR_TEST_DIALECT=postgresql needs CLOSR_TEST_POSTGRES_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    }
}
