import ArgumentParser
import ClosrCore
import ClosrModel

/// `closr keys create --label TEXT`: a new key for the organization's first admin, printed as the last
/// line of stdout — the only time it is shown.
struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API key for the admin user and print it once."
    )

    @Option(help: "What the key is for (1 to 100 characters).")
    var label: String

    @Option(name: .customLong("scope"), help: "full, read_only or inbound (repeatable). Default: full.")
    var scopes: [String] = []

    @Option(help: "Days until the key expires (1 to 3650). Default: never.")
    var expiresInDays: Int?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var parsedScopes: [APIKeyScope] = []
        for scope in scopes {
            guard let parsed = APIKeyScope(rawValue: scope) else {
                throw ValidationError("Unknown scope '\(scope)': use full, read_only or inbound.")
            }
            parsedScopes.append(parsed)
        }
        if let expiresInDays, !(1...3650).contains(expiresInDays) {
            throw ValidationError("--expires-in-days must be from 1 to 3650.")
        }
        let expiresAt = expiresInDays.map {
            CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64($0) * 86_400_000_000)
        }
        let created = try await AdminContext.with(database) { admin in
            try await admin.services.apiKeys.create(
                in: admin.scope, userID: admin.userID, label: label,
                scopes: parsedScopes.isEmpty ? [.full] : parsedScopes, expiresAt: expiresAt, origin: admin.origin
            )
        }
        CLILogging.note("Created API key \(created.key.id) '\(created.key.label)'. Save it now; it will not be shown again.")
        CLIOutput.line(created.secret)
    }
}
