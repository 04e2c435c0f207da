import Crypto
import Foundation
import NIOHTTP1
import NIOPosix
import NIOCore
import Synchronization

/// A real HTTP server on loopback that records every webhook delivery it gets, answering 500 to the first
/// `failFirst` of them (and 503 to every one while ``refusing`` is set).
final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable {
        public let hash: String?
        public let timestamp: String?
        public let body: Data
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public var event: [String: Any] { json["event"] as? [String: Any] ?? [:] }
    }

    private let received: LockedBox<[Delivery]>
    public let failuresLeft: LockedBox<Int>
    /// While true, every delivery is answered 503 and not recorded.
    public let refusing: LockedBox<Bool>
    private let channel: any Channel
    public let url: String

    private init(url: String, received: LockedBox<[Delivery]>, failuresLeft: LockedBox<Int>, channel: any Channel, refusing: LockedBox<Bool>) {
        self.refusing = refusing
        self.url = url
        self.received = received
        self.failuresLeft = failuresLeft
        self.channel = channel
    }

    public static func start(failFirst: Int = 0) async throws -> WebhookReceiver {
        let received = LockedBox<[Delivery]>([])
        let failures = LockedBox(failFirst)
        let refusing = LockedBox(false)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(received: received, failures: failures, refusing: refusing))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        return WebhookReceiver(url: "http://127.0.0.1:\(port)/hook", received: received, failuresLeft: failures, channel: channel, refusing: refusing)
    }

    /// Answers each request once its body is complete: 503 while refusing, 500 while failures are left,
    /// else records it and answers 200.
    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let received: LockedBox<[Delivery]>
        let failures: LockedBox<Int>
        let refusing: LockedBox<Bool>
        var head: HTTPRequestHead?
        var body = Data()

        init(received: LockedBox<[Delivery]>, failures: LockedBox<Int>, refusing: LockedBox<Bool>) {
            self.received = received
            self.failures = failures
            self.refusing = refusing
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                var status = HTTPResponseStatus.ok
                if refusing.withLock({ $0 }) {
                    status = .serviceUnavailable
                } else if failures.withLock({ left in if left > 0 { left -= 1; return true } else { return false } }) {
                    status = .internalServerError
                } else {
                    let delivery = Delivery(hash: head.headers.first(name: "close-sig-hash"), timestamp: head.headers.first(name: "close-sig-timestamp"), body: body)
                    received.withLock { $0.append(delivery) }
                }
                var headers = HTTPHeaders()
                headers.add(name: "content-length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }

    public var deliveries: [Delivery] { received.withLock { $0 } }

    /// Waits until `count` deliveries have arrived (or `seconds` pass) and returns them.
    public func wait(for count: Int, seconds: Double = 20) async throws -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while deliveries.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(25)) }
        return deliveries
    }

    public func stop() { channel.close(promise: nil) }

    /// Close's signature, computed here independently of the server: hex HMAC-SHA256 with the hex key's
    /// bytes over the timestamp followed by the body.
    public static func signature(key hex: String, timestamp: String, body: Data) -> String {
        var key: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            key.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(timestamp.utf8) + body, using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// A value shared between concurrent tasks.
final class LockedBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(_ value: Value) { storage = Mutex(value) }

    public func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        storage.withLock { body(&$0) }
    }
}
