import Foundation
import Logging
import MCP

/// MCP over stdio, one JSON-RPC message per line, read in linear time with a cap on a line's size.
///
/// The SDK's `StdioTransport` searches its whole buffer for a newline after every 4 KiB read, so a line of
/// a few megabytes (a huge tool argument) took seconds to minutes to arrive and stalled everything behind
/// it. This reads 64 KiB at a time on a thread of its own, looks for newlines only in the new bytes, and
/// replaces a line longer than ``maxLineBytes`` with one the server answers as a parse error.
public actor LineStdioTransport: Transport {
    public nonisolated let logger: Logger
    /// Larger messages than any tool needs; the API refuses bodies over 1 MiB anyway.
    public static let maxLineBytes = 4 << 20

    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var reading = false

    public init(logger: Logger = Logger(label: "closr.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !reading else { return }
        reading = true
        let continuation = self.continuation
        let thread = Thread {
            Self.readLines(from: FileHandle.standardInput.fileDescriptor, into: continuation)
        }
        thread.start()
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var line = data
        line.append(UInt8(ascii: "\n"))
        try FileHandle.standardOutput.write(contentsOf: line)
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Error> { stream }

    /// Blocking reads until end of input; each complete line (without its newline) is one message.
    static func readLines(from descriptor: Int32, into continuation: AsyncThrowingStream<Data, any Error>.Continuation) {
        var pending: [UInt8] = []
        var skipping = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                if skipping {
                    skipping = false
                } else {
                    pending.append(contentsOf: buffer[start..<index])
                    if !pending.isEmpty { continuation.yield(Data(pending)) }
                }
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            if !skipping { pending.append(contentsOf: buffer[start..<count]) }
            if pending.count > maxLineBytes {
                // Not JSON: the server answers it with a parse error, and the rest of the line is dropped.
                continuation.yield(Data("message over \(maxLineBytes) bytes".utf8))
                pending.removeAll(keepingCapacity: false)
                skipping = true
            }
        }
        continuation.finish()
    }
}
