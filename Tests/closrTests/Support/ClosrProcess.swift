import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `closr` executable, built beside this test bundle, run as a child process with its
/// stdout and stderr captured.
///
/// Started with `posix_spawn`, not Foundation's `Process`: CI crashed three times inside
/// `Process.run()` (a bad pointer in `memmove`) while other tests ran, even with one launch at a time.
final class ClosrProcess: Sendable {
    private let pid: pid_t
    /// The wait status once the child has been reaped.
    private let exit = Mutex<Int32?>(nil)
    private let readers: [FileHandle]
    private let stdoutText = OutputBuffer()
    private let stderrText = OutputBuffer()

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("closr")
    }

    init(_ arguments: [String]) throws {
        let path = Self.executable.path
        (pid, readers) = try Self.launching.withLock { _ in try Self.spawn(path, arguments) }
        for (reader, buffer) in zip(readers, [stdoutText, stderrText]) {
            reader.readabilityHandler = { handle in
                buffer.append(String(decoding: handle.availableData, as: UTF8.self))
            }
        }
    }

    /// One launch at a time: each pipe is marked close-on-exec before another child could inherit it.
    private static let launching = Mutex(())

    /// Spawns `path` with `arguments`, its stdout and stderr on two new pipes; returns the child and the
    /// pipes' reading ends.
    private static func spawn(_ path: String, _ arguments: [String]) throws -> (pid_t, [FileHandle]) {
        var pipes: [[Int32]] = []
        for _ in 0..<2 {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw ClosrProcessError.spawnFailed(errno) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            pipes.append(ends)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], STDERR_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, nil, argv, environ)
        for ends in pipes { close(ends[1]) }
        guard status == 0 else {
            for ends in pipes { close(ends[0]) }
            throw ClosrProcessError.spawnFailed(status)
        }
        return (pid, pipes.map { FileHandle(fileDescriptor: $0[0], closeOnDealloc: true) })
    }

    var stdout: String { stdoutText.text }
    var stderr: String { stderrText.text }

    /// Whether the child is still running (reaping it if it has ended).
    private var isRunning: Bool {
        exit.withLock { exit in
            guard exit == nil else { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            exit = status
            return false
        }
    }

    /// The exit code, or the signal's number for a child a signal ended (as Foundation's `Process`).
    private var terminationStatus: Int32 {
        let status = exit.withLock { $0 } ?? 0
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Runs a command to completion and returns its exit status and output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ClosrProcess(arguments)
        let status = try await child.waitForExit(timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(100))
        return (status, child.stdout, child.stderr)
    }

    /// Waits until stderr shows the listening port, and returns it.
    func waitForPort(timeout: Duration = .seconds(120)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = stderr.firstMatch(of: #/listening on 127\.0\.0\.1:(\d+)/#), let port = Int(match.1) {
                return port
            }
            guard isRunning else { throw ClosrProcessError.exited(stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClosrProcessError.timedOut(stderr)
    }

    /// Sends a signal (SIGTERM, SIGINT) as an operator or a process manager would.
    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGTERM)
                throw ClosrProcessError.timedOut(stderr)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return terminationStatus
    }

    deinit {
        // A child still running when its test is over is stopped at once and reaped.
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        for reader in readers { reader.readabilityHandler = nil }
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
    case spawnFailed(Int32)
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
