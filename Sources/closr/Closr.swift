import ArgumentParser

/// `closr`: the Close-compatible CRM server and its administration commands.
@main
struct Closr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closr",
        abstract: "A self-hosted CRM server whose REST API is wire-compatible with Close API v1.",
        subcommands: [ServeCommand.self, MigrateCommand.self, KeysCommand.self]
    )
}
