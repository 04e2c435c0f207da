import ClosrTestSupport
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// Reads on PostgreSQL run as prepared statements once a text has been seen twice, with their values
/// as text for PostgreSQL to type, and a text PostgreSQL cannot prepare still runs.
@Suite(.enabled(if: TestDatabase.postgresURL != nil, "needs CLOSR_TEST_POSTGRES_URL"))
struct PostgresPreparedStatementTests {
    /// The texts prepared on the connection a read runs on.
    private static func preparedTexts(_ db: any SQLDatabase) async throws -> [String] {
        try await db.raw("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'closr_prepared_%'").all()
            .map { try $0.decode(column: "statement", as: String.self) }
    }

    @Test func aReadRunTwiceIsPreparedAndReadsTheSameRows() async throws {
        let store = try await StoreFactory.open(try TestDatabase.freshPostgres())
        let marker = "kind_\(UUID().uuidString.prefix(8))"   // a text of this test's own
        let (results, prepared) = try await store.read { db in
            var results: [[Int64]] = []
            for _ in 0..<4 {
                let rows = try await db.raw("""
                    SELECT version FROM closr_versions WHERE kind = \(bind: "keys") AND version >= \(bind: Int64(0)) \
                    AND kind <> \(bind: marker) AND (kind = \(bind: String?.none) OR kind <> \(bind: "never")) AND \(bind: true)
                    """).all()
                results.append(try rows.map { try $0.decode(column: "version", as: Int64.self) })
            }
            return (results, try await Self.preparedTexts(db))
        }
        #expect(results.count == 4 && results.allSatisfy { $0 == results[0] } && results[0].count == 1)
        #expect(prepared.contains { $0.contains("AND kind <> $3 AND (kind = $4 OR kind <> $5) AND $6") }, "\(prepared)")
        try await store.close()
    }

    @Test func aReadPostgreSQLCannotTypeRunsUnprepared() async throws {
        let store = try await StoreFactory.open(try TestDatabase.freshPostgres())
        let tag = "untyped_\(UUID().uuidString.prefix(8))"
        let (answers, prepared) = try await store.read { db in
            var answers: [Bool] = []
            for _ in 0..<3 {
                // `$1 IS NULL` gives PostgreSQL nothing to infer the parameter's type from.
                let row = try await db.raw("SELECT \(bind: "x") IS NULL AS missing, \(unsafeRaw: "'\(tag)'") AS tag").first()
                answers.append(try #require(row).decode(column: "missing", as: Bool.self))
            }
            return (answers, try await Self.preparedTexts(db))
        }
        #expect(answers == [false, false, false])
        #expect(!prepared.contains { $0.contains(tag) }, "\(prepared)")
        try await store.close()
    }

    @Test func aReadOfATableCreatedLaterWorksOnceItExists() async throws {
        let store = try await StoreFactory.open(try TestDatabase.freshPostgres())
        let table = "later_\(UUID().uuidString.prefix(8).lowercased())"
        let found = try await store.read { db in
            // Twice before the table exists: the second run is the one that is prepared, and fails.
            for _ in 0..<2 {
                await #expect(throws: (any Error).self) {
                    try await db.raw("SELECT x FROM \(unsafeRaw: table) WHERE x = \(bind: "a")").all()
                }
            }
            try await db.raw("CREATE TABLE \(unsafeRaw: table) (x text)").run()
            try await db.raw("INSERT INTO \(unsafeRaw: table) (x) VALUES ('a')").run()
            return try await db.raw("SELECT x FROM \(unsafeRaw: table) WHERE x = \(bind: "a")").all().count
        }
        #expect(found == 1)
        try await store.close()
    }

    /// Without the generic plan, PostgreSQL re-planned every prepared `GET /lead/{id}/` at bind time.
    @Test func thePoolsConnectionsUseTheGenericPlanForPreparedReads() async throws {
        let store = try await StoreFactory.open(try TestDatabase.freshPostgres())
        let mode = try await store.read { db in
            try #require(try await db.raw("SELECT current_setting('plan_cache_mode') AS mode").first()).decode(column: "mode", as: String.self)
        }
        #expect(mode == "force_generic_plan")
        try await store.close()
    }
}
