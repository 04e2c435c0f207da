import ClosrModel
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// Migrations on a real SQLite file: applied once, idempotent, and the bootstrap happens only once.
@Suite struct MigrationTests {
    static func temporaryDatabase() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("closr-core-\(UUID().uuidString)")
        return folder.appendingPathComponent("nested/closr.sqlite").path
    }

    /// The schema as SQLite describes it, to compare before and after.
    static func schema(_ store: any Store) async throws -> [String] {
        try await store.read { db in
            try await db.raw("SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS entry FROM sqlite_master ORDER BY name")
                .all(decodingColumn: "entry", as: String.self)
        }
    }

    @Test func migratingTwiceChangesNothing() async throws {
        let path = try Self.temporaryDatabase()
        let store = try await StoreFactory.open(.sqlite(path: path), migrate: false)
        let firstRun = try await Migrator(store: store).migrate()
        #expect(firstRun == Migrations.all.map(\.version))
        let schemaAfterFirst = try await Self.schema(store)
        let secondRun = try await Migrator(store: store).migrate()
        #expect(secondRun.isEmpty)
        #expect(try await Self.schema(store) == schemaAfterFirst)
        #expect(try await Migrator(store: store).appliedVersions() == Migrations.all.map(\.version))
        #expect(schemaAfterFirst.contains { $0.hasPrefix("table api_keys") })
        try await store.close()

        // A second process opening the same file (as `closr serve` does on every start) applies nothing.
        let reopened = try await StoreFactory.open(.sqlite(path: path))
        #expect(try await Self.schema(reopened) == schemaAfterFirst)
        try await reopened.close()
    }

    @Test func theFirstStartBootstrapsOnceOnly() async throws {
        let path = try Self.temporaryDatabase()
        let store = try await StoreFactory.open(.sqlite(path: path))
        let bootstrap = AccountProvisioning(store: store)
        let first = try await bootstrap.runIfEmpty(organizationName: "Acme", adminEmail: "ada@example.com")
        let created = try #require(first)
        #expect(created.key.label == "bootstrap")
        #expect(created.key.scopes == [.full])
        #expect(created.secret.hasPrefix("closr_"))
        #expect(try await bootstrap.runIfEmpty(organizationName: "Acme", adminEmail: "ada@example.com") == nil)
        let admin = try #require(try await bootstrap.firstAdmin())
        #expect(admin.organizationID == created.key.organizationID)
        #expect(admin.userID == created.key.userID)
        try await store.close()
    }

    @Test func anUnsupportedDatabaseURLIsRefusedClearly() throws {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL(parsing: "mysql://x") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL(parsing: "sqlite:") }
        #expect(try DatabaseURL(parsing: "sqlite:/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite:///tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
    }
}
