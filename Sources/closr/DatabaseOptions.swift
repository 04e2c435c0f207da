import ArgumentParser
import ClosrCore
import Foundation

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Database URL: sqlite:PATH or postgres://USER:PASSWORD@HOST/DB. Environment: CLOSR_DATABASE_URL.",
            valueName: "url"
        )
    )
    var database: String?

    /// The flag, else `CLOSR_DATABASE_URL`, else `sqlite:./closr-data/closr.sqlite`.
    func resolved() throws -> DatabaseURL {
        guard let text = database ?? ProcessInfo.processInfo.environment["CLOSR_DATABASE_URL"] else {
            return .default
        }
        return try DatabaseURL(parsing: text)
    }
}
