import ClosrCore
import ClosrModel
import ClosrTestSupport
import Foundation
import Testing

/// `closr users set-password EMAIL` as an operator runs it: the password from standard input, checked,
/// hashed; a bad one or an unknown email is one clear line and a non-zero exit.
@Suite struct UsersCommandTests {
    static func setPassword(_ database: String, _ email: String, stdin: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ClosrProcess.executable
        process.arguments = ["users", "set-password", email, "--database", database]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func setsAPasswordFromStandardInputAndRefusesBadOnes() async throws {
        let database = try ServeCommandTests.temporaryDatabase()
        let store = try await StoreFactory.open(database.database)
        _ = try await AccountProvisioning(store: store).runIfEmpty(organizationName: "Acme", adminEmail: "ada@example.com")
        try await store.close()

        let set = try Self.setPassword(database.url, "Ada@Example.com", stdin: "a new long password\n")
        #expect(set.status == 0 && set.stderr.contains("Password set"), "\(set.stderr)")
        let reopened = try await StoreFactory.open(database.database)
        let passwords = ConsolePasswords(store: reopened, cost: 4)
        #expect(try await passwords.verify(email: "ada@example.com", password: "a new long password") != nil)
        #expect(try await passwords.verify(email: "ada@example.com", password: "something else") == nil)
        try await reopened.close()

        let short = try Self.setPassword(database.url, "ada@example.com", stdin: "short\n")
        #expect(short.status != 0 && short.stderr.contains("at least 10 characters") && short.stderr.split(separator: "\n").count == 1, "\(short.stderr)")
        let unknown = try Self.setPassword(database.url, "nobody@example.com", stdin: "a new long password\n")
        #expect(unknown.status != 0 && unknown.stderr.contains("No user has the email"), "\(unknown.stderr)")
    }
}
