import ClosrModel
import ClosrTestSupport
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// Migrations on a real database of the run's dialect: applied once, idempotent, and the bootstrap
/// happens only once.
@Suite struct MigrationTests {
    static func temporaryDatabase() throws -> DatabaseURL {
        switch try TestDatabase.fresh() {
        case .sqlite(let path):
            // A folder that does not exist yet: the store creates it.
            let url = URL(fileURLWithPath: path)
            return .sqlite(path: url.deletingLastPathComponent().appendingPathComponent("nested/closr.sqlite").path)
        case let url:
            return url
        }
    }

    /// The schema as the database describes it, to compare before and after.
    static func schema(_ store: any Store) async throws -> [String] {
        try await store.read { db in
            switch store.dialect {
            case .sqlite:
                return try await db.raw("SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS entry FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name")
                    .all(decodingColumn: "entry", as: String.self)
            case .postgresql:
                return try await db.raw("""
                    SELECT 'table ' || table_name || ' ' || column_name || ' ' || data_type AS entry FROM information_schema.columns
                    WHERE table_schema = current_schema() UNION ALL
                    SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1
                    """).all(decodingColumn: "entry", as: String.self)
            }
        }
    }

    @Test func migratingTwiceChangesNothing() async throws {
        let url = try Self.temporaryDatabase()
        let store = try await StoreFactory.open(url, migrate: false)
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
        let reopened = try await StoreFactory.open(url)
        #expect(try await Self.schema(reopened) == schemaAfterFirst)
        try await reopened.close()
    }

    /// Leads that exist before the search index (migration 8) get their documents when it is created.
    @Test func theSearchIndexIsFilledFromExistingLeads() async throws {
        let store = try await StoreFactory.open(try Self.temporaryDatabase(), migrate: false)
        try await Migrator(store: store).migrate(through: 7)
        let created = try #require(try await AccountProvisioning(store: store).runIfEmpty(organizationName: "Old", adminEmail: "old@example.com"))
        // Rows as the code of that schema wrote them (today's lead creation also writes later tables).
        let organizationID = created.key.organizationID
        try await store.transaction { sql in
            let status = try await sql.select().column("id").from("statuses").where("organization_id", .equal, organizationID)
                .where("kind", .equal, "lead").first(decodingColumn: "id", as: String.self) ?? ""
            try await sql.raw("""
                INSERT INTO leads (id, organization_id, name, description, url, status_id, addresses, custom, date_created, date_updated)
                VALUES ('lead_old', \(bind: organizationID), 'Before Index', '', NULL, \(bind: status), '[]', '{}', 1, 1)
                """).run()
            try await sql.raw("""
                INSERT INTO contacts (id, organization_id, lead_id, name, title, emails, phones, urls, custom, date_created, date_updated)
                VALUES ('cont_old', \(bind: organizationID), 'lead_old', 'Ann', '', '[{"type":"office","email":"ann@old.test"}]', '[]', '[]', '{}', 1, 1)
                """).run()
        }
        #expect(try await Migrator(store: store).migrate(through: 8) == [8])
        let documents = try await store.read { db in
            try await db.select().column("doc").from("lead_search_docs").orderBy("doc").all(decodingColumn: "doc", as: String.self)
        }
        // One document for the lead, one for its contact.
        #expect(documents == ["Ann\nann@old.test\n", "Before Index\n"])
        try await store.close()
    }

    @Test func theFirstStartBootstrapsOnceOnly() async throws {
        let store = try await StoreFactory.open(try Self.temporaryDatabase())
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
