import ArgumentParser
import ClosrModel
import Foundation
import NIOCore
import NIOPosix

/// `closr`: the Close-compatible CRM server and its administration commands.
struct Closr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closr",
        abstract: "A self-hosted CRM server whose REST API is wire-compatible with Close API v1.",
        version: ClosrVersion.current,
        subcommands: [ServeCommand.self, MigrateCommand.self, KeysCommand.self, UsersCommand.self, InboundCommand.self, LeadCommand.self, ContactCommand.self, OpportunityCommand.self, MCPCommand.self]
    )
}

/// The process entry point: makes SwiftNIO's event loops Swift Concurrency's global executor, then runs
/// the command.
///
/// Hummingbird reads and writes each connection on an event loop but runs its handler as a task; on the
/// default executor every request crosses from an event loop thread to a Dispatch worker and back, and
/// the database's PostgreSQL connections live on the event loops too. With the event loops as the global
/// executor those crossings stay within NIO's threads: `GET /lead/{id}/` on SQLite served 30–45% more
/// requests per second with half the p99 in paired runs, while trivial routes cost about a fifth more
/// CPU. Work that blocks for long (SQLite's wait for another process's write lock) already runs on NIO's
/// blocking pool, never on an executor thread. The take-over must happen on the main thread before any task starts, so `main`
/// is synchronous and starts the command's task itself.
@main
enum ClosrEntryPoint {
    static func main() {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task {
            // `main()` exits with the command's status on failure; it returns only on success.
            await Closr.main()
            exit(0)
        }
        dispatchMain()
    }
}
