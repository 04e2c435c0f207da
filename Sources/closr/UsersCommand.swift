import ArgumentParser
import ClosrCore
import ClosrModel
import Foundation

/// `closr users …`: the people who sign in to the web console.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage the web console's users.", subcommands: [UsersSetPasswordCommand.self]
    )
}

/// `closr users set-password EMAIL`: the password from standard input (asked for without echo on a
/// terminal, else its first line), so it never appears in the shell's history or the process list.
struct UsersSetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password",
        abstract: "Set a user's console password, read from standard input (at least 10 characters, at most 72 bytes)."
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The user's email.") var email: String

    func run() async throws {
        let password: String
        if isatty(STDIN_FILENO) == 1, let typed = getpass("New password for \(email): ") {
            password = String(cString: typed)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        try await AdminContext.with(database) { admin in
            try await admin.services.passwords.set(email: email, password: password)
        }
        CLILogging.note("Password set for \(email); their console sessions were ended.")
    }
}
