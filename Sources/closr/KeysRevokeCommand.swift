import ArgumentParser
import ClosrCore

/// `closr keys revoke ID`: revokes a key for good. A server running on the same database refuses the
/// key from its next request on.
struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an API key by its id (api_…)."
    )

    @Argument(help: "The key's public id, as `closr keys list` shows it.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let key = try await AdminContext.with(database) { admin in
            try await admin.services.apiKeys.revoke(in: admin.scope, id: id, ownerID: nil, origin: admin.origin)
        }
        CLILogging.note("Revoked API key \(key.id) '\(key.label)'.")
    }
}
