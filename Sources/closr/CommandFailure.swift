import ArgumentParser
import ClosrClient
import ClosrCore
import ClosrModel

/// A command's failure at run time: one line on stderr (`closr: …`) and exit code 1, without the usage
/// block ArgumentParser prints for a mistyped command — the command was right, the world was not
/// (a database that cannot be opened, a server that cannot be reached, an empty database).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// Runs `body`, turning any failure but ArgumentParser's own into one line and exit code 1.
    static func reported<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let usage as ValidationError {
            throw usage
        } catch let error as CommandFailure {
            CLILogging.note("closr: \(error.description)")
        } catch let error as DatabaseURLError {
            CLILogging.note("closr: \(error.description)")
        } catch let error as CloseError {
            CLILogging.note("closr: \(error.message)")
        } catch let error as ClosrClientError {
            CLILogging.note("closr: \(error.description)")
        } catch let error as UnreadableAnswer {
            CLILogging.note("closr: \(error.description)")
        } catch {
            CLILogging.note("closr: \(StoreError.describe(error))")
        }
        throw ExitCode.failure
    }
}
