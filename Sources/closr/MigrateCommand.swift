import ArgumentParser
import ClosrCore

/// `closr migrate`: brings the database schema up to date and says what it applied.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await CommandFailure.reported { try await migrate() }
    }

    private func migrate() async throws {
        let store = try await StoreFactory.open(try database.resolved(), migrate: false)
        do {
            let applied = try await Migrator(store: store).migrate()
            let all = try await Migrator(store: store).appliedVersions()
            CLILogging.note(applied.isEmpty
                ? "Schema up to date at version \(all.last ?? 0)."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); now at version \(all.last ?? 0).")
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
