import ClosrCore
import ClosrModel
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
        #expect(server.stderr.contains("Closr stopped"), "\(server.stderr)")

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

        let second = try ClosrProcess(["serve", "--port", "0", "--database", database.url, "--org-name", "Other"])
        let secondPort = try await second.waitForPort()
        #expect(!second.stdout.contains("API key"))
        #expect(second.stderr.contains("--org-name and --admin-email only apply to a new database"), "\(second.stderr)")
        #expect(try await httpGet("http://127.0.0.1:\(secondPort)/api/v1/me/", basicUser: key).status == 200)
        second.signal(SIGINT)
        #expect(try await second.waitForExit() == 0)
    }

    /// Only `serve` and `migrate` create a database: `keys` on a mistyped path says so and leaves nothing.
    @Test func keysOnADatabaseThatDoesNotExistSaySoAndCreateNothing() async throws {
        let database = try Self.temporaryDatabase()
        for arguments in [["keys", "create", "--label", "x"], ["keys", "list"], ["keys", "revoke", "api_x"]] {
            let result = try await ClosrProcess.run(arguments + ["--database", database.url])
            #expect(result.status == 1, "\(arguments)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("`closr serve` or `closr migrate` creates"), "\(result.stderr)")
            #expect(!result.stderr.contains("USAGE"))
            #expect(result.stdout.isEmpty)
        }
        switch database.database {
        case .sqlite(let path):
            #expect(!FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path))
        case .postgres:
            await #expect(throws: StoreError.self) { try await StoreFactory.openExisting(database.database) }
        }
        // Once the database exists, the same commands work on it.
        #expect(try await ClosrProcess.run(["migrate", "--database", database.url]).status == 0)
        let empty = try await ClosrProcess.run(["keys", "create", "--label", "x", "--database", database.url])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("start `closr serve` once"))
    }

    @Test func versionIsPrinted() async throws {
        let result = try await ClosrProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ClosrVersion.current)
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
        #expect(lines.last == "closr: port \(port) on 127.0.0.1 is in use (another server?) — choose another with --port", "\(second.stderr)")
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
