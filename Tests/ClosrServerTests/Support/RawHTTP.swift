import NIOCore
import NIOPosix

/// Bytes written straight to a live test server, for requests no HTTP client would send (a lowercase
/// method, a folded header, a malformed chunk), and what comes back.
enum RawHTTP {
    struct Response {
        let text: String

        /// The status code of the first response.
        var status: Int? {
            text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        }

        /// Every status line's code, in order (pipelined requests get one each).
        var statuses: [Int] {
            text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
        }

        /// The body of the last response.
        var lastBody: String {
            text.components(separatedBy: "\r\n\r\n").last ?? ""
        }
    }

    struct TimedOut: Error {}

    /// Sends `request` and reads until the server closes the connection; fails if that takes longer
    /// than `seconds` (a server that waits on a client that sends nothing more). `halfClose` shuts the
    /// client's sending side after the request, as a client that gave up mid-body does.
    static func exchange(port: Int, _ request: [UInt8], seconds: Int = 5, halfClose: Bool = false) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: halfClose)
                    )
                }
            }
        return try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(bytes: request))
                    if halfClose { outbound.finish() }
                    var text = ""
                    do {
                        for try await chunk in inbound { text += String(decoding: chunk.readableBytesView, as: UTF8.self) }
                    } catch {
                        // A reset after the answer still leaves the answer to check.
                    }
                    return Response(text: text)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            try? await channel.channel.close()
            guard let response = first else { throw TimedOut() }
            return response
        }
    }

    static func exchange(port: Int, _ request: String, seconds: Int = 5) async throws -> Response {
        try await exchange(port: port, Array(request.utf8), seconds: seconds)
    }
}
