import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `closr` executable, built beside this test bundle, run as a child process with its
/// stdout and stderr captured.
final class ClosrProcess: Sendable {
    private let process: Process
    private let stdoutText = OutputBuffer()
    private let stderrText = OutputBuffer()

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("closr")
    }

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        self.process = process
        out.fileHandleForReading.readabilityHandler = { [stdoutText] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            stdoutText.append(text)
        }
        err.fileHandleForReading.readabilityHandler = { [stderrText] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            stderrText.append(text)
        }
        // One launch at a time in this test process: CI twice crashed inside Foundation's
        // `Process.run()` (a bad pointer in `memmove`) while several suites started children at once.
        try Self.launching.withLock { _ in try process.run() }
    }

    private static let launching = Mutex(())

    var stdout: String { stdoutText.text }
    var stderr: String { stderrText.text }

    /// Runs a command to completion and returns its exit status and output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ClosrProcess(arguments)
        let status = try await child.waitForExit(timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(100))
        return (status, child.stdout, child.stderr)
    }

    /// Waits until stderr shows the listening port, and returns it.
    func waitForPort(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = stderr.firstMatch(of: #/listening on 127\.0\.0\.1:(\d+)/#), let port = Int(match.1) {
                return port
            }
            guard process.isRunning else { throw ClosrProcessError.exited(stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClosrProcessError.timedOut(stderr)
    }

    /// Sends a signal (SIGTERM, SIGINT) as an operator or a process manager would.
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw ClosrProcessError.timedOut(stderr)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// Text a child process has written so far.
final class OutputBuffer: Sendable {
    private let storage = Mutex<String>("")

    func append(_ text: String) {
        storage.withLock { $0 += text }
    }

    var text: String { storage.withLock { $0 } }
}

enum ClosrProcessError: Error {
    case exited(String)
    case timedOut(String)
}

/// One HTTP request to a live server with URLSession: a client outside our code.
func httpGet(_ url: String, basicUser: String?) async throws -> (status: Int, body: String) {
    var request = URLRequest(url: URL(string: url)!)
    if let basicUser {
        request.setValue("Basic " + Data("\(basicUser):".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
    }
    request.setValue("closr-cli-test/1.0", forHTTPHeaderField: "User-Agent")
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// One HTTP request with any method and an optional JSON body, as a client outside our code sends it.
func http(_ method: String, _ url: String, key: String?, json body: String? = nil) async throws -> (status: Int, body: String) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    if let key {
        request.setValue("Basic " + Data("\(key):".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
    }
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// A JSON object body's string member.
func jsonString(_ body: String, _ key: String) -> String? {
    ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?[key] as? String
}
