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

    @Option(help: "Days until the key expires. Default: never.")
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
        if let expiresInDays, expiresInDays < 1 { throw ValidationError("--expires-in-days must be at least 1.") }
        let store = try await StoreFactory.open(try database.resolved())
        do {
            guard let admin = try await OrganizationBootstrap(store: store).firstAdmin() else {
                throw ValidationError("The database has no organization yet: start `closr serve` once to create it.")
            }
            let expiresAt = expiresInDays.map {
                CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64($0) * 86_400_000_000)
            }
            let created = try await CoreServices(store: store).apiKeys.create(
                in: OrgScope(organizationID: admin.organizationID, store: store),
                userID: admin.userID, createdBy: admin.userID, label: label,
                scopes: parsedScopes.isEmpty ? [.full] : parsedScopes, expiresAt: expiresAt
            )
            CLILogging.note("Created API key \(created.key.id) '\(created.key.label)'. Save it now; it will not be shown again.")
            CLIOutput.line(created.secret)
        } catch let error as CloseError {
            try? await store.close()
            throw ValidationError(error.message)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
