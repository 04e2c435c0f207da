import ClosrCore
import ClosrTestSupport
import Foundation
import SQLKit
import Testing

/// `closr serve` and `closr keys create` as an operator runs them: real processes on a real database of
/// the run's dialect (an SQLite file in a folder that does not exist yet, or a PostgreSQL schema).
@Suite(.serialized) struct ServeCommandTests {
    static func temporaryDatabase() throws -> (url: String, database: DatabaseURL) {
        switch try TestDatabase.fresh() {
        case .sqlite(let path):
            let nested = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("data/closr.sqlite").path
            return ("sqlite:\(nested)", .sqlite(path: nested))
        case .postgres(let url):
            return (url, .postgres(url: url))
        }
    }

    @Test func firstStartPrintsTheKeyOnceKeysCreateWorksBesideItAndShutdownFlushesLastUse() async throws {
        let database = try Self.temporaryDatabase()
        let server = try ClosrProcess(["serve", "--port", "0", "--database", database.url, "--org-name", "Acme"])
        let port = try await server.waitForPort()
        let keyLines = server.stdout.split(separator: "\n").filter { $0.hasPrefix("API key: closr_") }
        #expect(keyLines.count == 1)
        let key = String(try #require(keyLines.first).dropFirst("API key: ".count))

        let me = try await httpGet("http://127.0.0.1:\(port)/api/v1/me/", basicUser: key)
        #expect(me.status == 200)
        #expect(me.body.contains("\"name\":\"Acme\""))
        let wrong = try await httpGet("http://127.0.0.1:\(port)/api/v1/me/", basicUser: "closr_wrong")
        #expect(wrong.status == 401)

        // A second process on the same file while the server runs.
        let created = try await ClosrProcess.run(["keys", "create", "--label", "ci", "--database", database.url])
        #expect(created.status == 0)
        let newKey = String(try #require(created.stdout.split(separator: "\n").last))
        #expect(newKey.hasPrefix("closr_") && newKey != key)
        let withNewKey = try await httpGet("http://127.0.0.1:\(port)/api/v1/me/", basicUser: newKey)
        #expect(withNewKey.status == 200)

        // The table lists both keys by id and preview, never a secret.
        let listed = try await ClosrProcess.run(["keys", "list", "--database", database.url])
        #expect(listed.status == 0)
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("LAST USED") == true)
        #expect(lines.count == 3)
        #expect(!listed.stdout.contains(key) && !listed.stdout.contains(newKey))
        #expect(listed.stdout.contains(String(newKey.prefix(12))))
        let bootstrapRow = try #require(lines.first { $0.contains("bootstrap") })
        #expect(bootstrapRow.contains("from 127.0.0.1") || bootstrapRow.contains("never"))
        let ciRow = try #require(lines.first { $0.contains("  ci  ") })
        let ciID = String(try #require(ciRow.split(separator: " ").first))

        // Revoked by another process: the running server refuses the key on its very next request.
        let revoked = try await ClosrProcess.run(["keys", "revoke", ciID, "--database", database.url])
        #expect(revoked.status == 0)
        let refused = try await httpGet("http://127.0.0.1:\(port)/api/v1/me/", basicUser: newKey)
        #expect(refused.status == 401)
        #expect(try await httpGet("http://127.0.0.1:\(port)/api/v1/me/", basicUser: key).status == 200)
        let unknown = try await ClosrProcess.run(["keys", "revoke", "api_nope", "--database", database.url])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("API key not found"))

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(!server.stderr.contains(key) && !server.stderr.contains(newKey))

        // Last use of the new key was written (at the latest at shutdown).
        let store = try await StoreFactory.open(database.database)
        let lastUsed = try await store.read { db in
            try await db.select().columns("last_used_at", "last_used_user_agent").from("api_keys")
                .where("label", .equal, "ci").first()
        }
        let row = try #require(lastUsed)
        #expect(try row.decode(column: "last_used_at", as: Int64?.self) != nil, "server log: \(server.stderr)")
        #expect(try row.decode(column: "last_used_user_agent", as: String?.self) == "closr-cli-test/1.0")
        try await store.close()

        let second = try ClosrProcess(["serve", "--port", "0", "--database", database.url])
        let secondPort = try await second.waitForPort()
        #expect(!second.stdout.contains("API key"))
        #expect(try await httpGet("http://127.0.0.1:\(secondPort)/api/v1/me/", basicUser: key).status == 200)
        second.signal(SIGINT)
        #expect(try await second.waitForExit() == 0)
    }

    @Test func keysCreateOnAnEmptyDatabaseExplainsWhatToDo() async throws {
        let database = try Self.temporaryDatabase()
        let result = try await ClosrProcess.run(["keys", "create", "--label", "x", "--database", database.url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("start `closr serve` once"))
        #expect(result.stdout.isEmpty)
    }

    @Test func migrateIsIdempotent() async throws {
        let database = try Self.temporaryDatabase()
        let first = try await ClosrProcess.run(["migrate", "--database", database.url])
        #expect(first.status == 0)
        let applied = try #require(first.stderr.firstMatch(of: #/Applied migrations 1, 2[0-9, ]*; now at version (\d+)/#))
        let second = try await ClosrProcess.run(["migrate", "--database", database.url])
        #expect(second.status == 0)
        #expect(second.stderr.contains("Schema up to date at version \(applied.1)."))
    }

    @Test func aPortInUseIsOneClearLineAndAFailingExit() async throws {
        let (url, _) = try Self.temporaryDatabase()
        let first = try ClosrProcess(["serve", "--port", "0", "--database", url])
        let port = try await first.waitForPort()
        let second = try await ClosrProcess.run(["serve", "--port", "\(port)", "--database", url])
        #expect(second.status == 1)
        let lines = second.stderr.split(separator: "\n").map(String.init)
        #expect(lines.last == "closr: cannot listen on 127.0.0.1:\(port): the address is already in use (another server on that port?)", "\(second.stderr)")
        #expect(!second.stderr.contains("listening on"), "\(second.stderr)")
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    @Test func aBadDatabaseURLIsAClearError() async throws {
        let result = try await ClosrProcess.run(["serve", "--database", "mysql://nope"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Unsupported database URL"))
    }
}
