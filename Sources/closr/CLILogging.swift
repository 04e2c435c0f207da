import Foundation
import Logging

/// Logging for the command line: everything to stderr, so stdout carries only what scripts capture
/// (the first API key, `keys create`'s key).
enum CLILogging {
    private static let bootstrapped: Void = {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label) }
    }()

    static func logger(level: Logger.Level) -> Logger {
        _ = bootstrapped
        var logger = Logger(label: "closr")
        logger.logLevel = level
        return logger
    }

    /// A line for the person at the terminal.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// What scripts capture: written to stdout and flushed at once, so a caller reading a pipe sees the
/// line while the server keeps running.
enum CLIOutput {
    /// A line on stdout. A reader that went away (`closr lead list | head`) ends the command quietly
    /// instead of crashing on the broken pipe.
    static func line(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            exit(0)
        }
    }
}
