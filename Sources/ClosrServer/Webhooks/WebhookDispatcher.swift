import AsyncHTTPClient
import ClosrCore
import ClosrModel
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Sends the outbox's deliveries (``WebhookOutbox``) as Close does: `POST` of
/// `{"subscription_id", "event"}` signed with `close-sig-hash` = hex HMAC-SHA256 of the timestamp and the
/// body under the subscription's key, and `close-sig-timestamp`. Any 2xx settles a delivery; anything
/// else, a timeout or a refused address is retried by the policy. Redirects are not followed (one could
/// lead inside the network past the address check).
struct WebhookDispatcher: Service {
    let outbox: WebhookOutbox
    let addresses: WebhookAddressPolicy
    let policy: WebhookDeliveryPolicy
    /// While the node is serving requests, deliveries go in small batches with pauses between them, and
    /// the backlog is caught up once it is idle.
    let inFlight: InFlightRequests
    let logger: Logger

    func run() async throws {
        let verifying = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(policy, verify: true))
        let trusting = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(policy, verify: false))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let batch: [WebhookOutbox.Delivery]
                let busy = inFlight.isBusy
                do {
                    batch = try await outbox.claim(limit: busy ? policy.busyBatchSize : policy.batchSize, lease: policy.lease)
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("webhook outbox: cannot claim deliveries: \(String(describing: error).prefix(300))")
                    batch = []
                }
                if batch.isEmpty {
                    try? await Task.sleep(for: policy.pollInterval)
                    continue
                }
                let outcomes = await withTaskGroup(of: (WebhookOutbox.Delivery, Outcome).self) { group in
                    for delivery in batch {
                        group.addTask { (delivery, await send(delivery, client: delivery.verifySSL ? verifying : trusting)) }
                    }
                    return await group.reduce(into: [(WebhookOutbox.Delivery, Outcome)]()) { $0.append($1) }
                }
                let delivered = outcomes.filter { $0.1 == .delivered }.map(\.0)
                let filtered = outcomes.filter { $0.1 == .filtered }.map(\.0)
                do {
                    try await outbox.settled(delivered, filtered: filtered)
                } catch {
                    // Their leases run out and they are sent again: at least once.
                    logger.warning("webhook outbox: cannot record \(delivered.count + filtered.count) deliveries as made: \(String(describing: error).prefix(300))")
                }
                // While requests are in flight, pause between small batches — unless deliveries have
                // waited a minute already: under endless traffic the backlog must still move.
                let oldest = batch.map(\.dateCreated.microseconds).min() ?? 0
                let lagging = CloseTimestamp.now().microseconds - oldest > policy.longestBusyLag.microseconds
                if busy, !lagging { try? await Task.sleep(for: policy.busyPause) }
            }
        }
        try? await verifying.shutdown()
        try? await trusting.shutdown()
    }

    static func configuration(_ policy: WebhookDeliveryPolicy, verify: Bool) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(policy.connectTimeout.components.seconds), read: .seconds(policy.responseTimeout.components.seconds))
        )
        if !verify { configuration.tlsConfiguration = { var tls = TLSConfiguration.makeClientConfiguration(); tls.certificateVerification = .none; return tls }() }
        return configuration
    }

    /// The body and headers of one delivery, signed at `timestamp` (Unix seconds).
    static func request(for delivery: WebhookOutbox.Delivery, timestamp: Int) -> (body: [UInt8], headers: [(String, String)]) {
        let body = JSONValue.object([("subscription_id", .string(delivery.webhookID)), ("event", delivery.event.jsonValue)]).serialized()
        return (body, [
            ("Content-Type", "application/json"), ("User-Agent", "Closr-Webhooks/\(ClosrVersion.current)"),
            ("close-sig-hash", signature(key: delivery.signatureKey, timestamp: String(timestamp), body: body)),
            ("close-sig-timestamp", String(timestamp)),
        ])
    }

    /// hex(HMAC-SHA256(key = bytes of the hex key, message = timestamp + body)), as Close's receivers check.
    static func signature(key hexKey: String, timestamp: String, body: [UInt8]) -> String {
        var keyBytes: [UInt8] = []
        var iterator = hexKey.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            keyBytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
        }
        var mac = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
        mac.update(data: Array(timestamp.utf8))
        mac.update(data: body)
        return mac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    enum Outcome: Sendable { case delivered, filtered, failed }

    /// Sends one delivery: delivered, passed over by its extra filter, or failed and rescheduled. Each
    /// step has a deadline: the address lookup, the answer (the client's), and reading the answer's body
    /// (the client's deadline ends with the head, and a receiver trickling a body would hold the batch).
    private func send(_ delivery: WebhookOutbox.Delivery, client: HTTPClient) async -> Outcome {
        do {
            guard WebhookOutbox.wanted(delivery) else { return .filtered }
            let lookup = try await Self.within(policy.connectTimeout) { await addresses.problem(with: delivery.url) }
            if let problem = lookup ?? "The address lookup took longer than \(policy.connectTimeout)." {
                try await fail(delivery, problem)
                return .failed
            }
            let (body, headers) = Self.request(for: delivery, timestamp: Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(policy.responseTimeout.components.seconds + policy.connectTimeout.components.seconds))
            // Read (and drop) up to 64 KiB of the answer, for at most 5 s, so the connection can be reused.
            _ = try? await Self.within(.seconds(5)) { try? await response.body.collect(upTo: 64 * 1024) }
            if (200..<300).contains(Int(response.status.code)) { return .delivered }
            try await fail(delivery, "The receiver answered \(response.status.code).")
        } catch {
            // A send cut short by shutdown says nothing of the receiver: its lease runs out and it goes again.
            if Task.isCancelled { return .failed }
            try? await fail(delivery, "The delivery failed: \(String(describing: error).prefix(200))")
        }
        return .failed
    }

    /// `body`'s result, or nil when it takes longer than `limit`. The caller does not wait for a body that
    /// ignores cancellation (a blocking address lookup): it is cancelled and left to finish on its own.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
            let once = ResumeOnce(continuation)
            let work = Task {
                do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if once.resume(.success(nil)) { work.cancel() }
            }
        }
    }

    /// A continuation resumed by whichever comes first.
    private final class ResumeOnce<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T?, any Error>?>

        init(_ continuation: CheckedContinuation<T?, any Error>) { self.continuation = Mutex(continuation) }

        /// Resumes unless already resumed; true when this call did.
        @discardableResult
        func resume(_ result: Result<T?, any Error>) -> Bool {
            let pending = continuation.withLock { current in
                defer { current = nil }
                return current
            }
            pending?.resume(with: result)
            return pending != nil
        }
    }

    private func fail(_ delivery: WebhookOutbox.Delivery, _ message: String) async throws {
        let retryAt = CloseTimestamp.now().advanced(by: policy.retryDelay(afterAttempts: delivery.attempts))
        let (dropped, paused) = try await outbox.failed(delivery, error: message, retryAt: retryAt, giveUpAfter: policy.giveUpAfter, pauseAfter: policy.pauseAfter)
        if dropped { logger.warning("webhook \(delivery.webhookID): gave up on event \(delivery.event.id) after \(delivery.attempts) attempts: \(message)") }
        if paused { logger.warning("webhook \(delivery.webhookID): paused, every delivery has failed for \(policy.pauseAfter)") }
    }
}
