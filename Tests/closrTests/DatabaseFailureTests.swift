import ClosrTestSupport
import Foundation
import Testing

/// A database that cannot be used is one clear line on stderr and a non-zero exit, never a crash, a
/// usage block or a key printed — for `serve`, `migrate` and `keys`.
@Suite(.serialized) struct DatabaseFailureTests {
    /// Runs `closr arguments…` and checks it failed with exactly one line mentioning `mentions`.
    static func expectOneLineFailure(_ arguments: [String], mentions: String) async throws {
        let result = try await ClosrProcess.run(arguments)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status == 1, "\(arguments): exit \(result.status), stderr: \(result.stderr)")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(arguments): \(result.stderr)")
        #expect(!result.stdout.contains("API key"))
    }

    @Test func aFileThatIsNotADatabaseIsRefusedInOneLine() async throws {
        let folder = TestDatabase.temporaryFolder()
        let path = folder.appendingPathComponent("random.sqlite").path
        var bytes = [UInt8](repeating: 0, count: 8192)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // The crash this guards against (an unclosed SQLiteNIO connection) came in most runs, not all.
        for _ in 0..<5 {
            try await Self.expectOneLineFailure(["serve", "--port", "0", "--database", "sqlite:\(path)"], mentions: "is not a database")
        }
        try await Self.expectOneLineFailure(["migrate", "--database", "sqlite:\(path)"], mentions: "is not a database")
        try await Self.expectOneLineFailure(["keys", "list", "--database", "sqlite:\(path)"], mentions: "is not a database")
    }

    @Test func unusableURLsAreRefusedInOneLine() async throws {
        try await Self.expectOneLineFailure(["serve", "--database", "mysql://x"], mentions: "Unsupported database URL")
        try await Self.expectOneLineFailure(["serve", "--port", "0", "--database", "sqlite:/etc/passwd/x/closr.sqlite"], mentions: "/etc/passwd/x")
        // Port 1 on loopback: nothing listens there.
        try await Self.expectOneLineFailure(["serve", "--port", "0", "--database", "postgres://closr@127.0.0.1:1/closr"], mentions: "could not be reached")
        try await Self.expectOneLineFailure(["keys", "list", "--database", "postgres://closr:secret@127.0.0.1:1/closr"], mentions: "127.0.0.1:1")
        let printed = try await ClosrProcess.run(["keys", "list", "--database", "postgres://closr:s3cret-pw@127.0.0.1:1/closr"])
        #expect(!printed.stderr.contains("s3cret-pw"), "a password is never printed")
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs CLOSR_TEST_POSTGRES_URL"))
    func aPostgresDatabaseThatDoesNotExistIsRefusedInOneLine() async throws {
        let base = try #require(TestDatabase.postgresURL)
        var url = try #require(URLComponents(string: base))
        url.path = "/no_such_database_here"
        try await Self.expectOneLineFailure(["serve", "--port", "0", "--database", try #require(url.string)], mentions: "no_such_database_here")
    }
}
