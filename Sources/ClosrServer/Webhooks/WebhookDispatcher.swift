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
                let settled = await withTaskGroup(of: WebhookOutbox.Delivery?.self) { group in
                    for delivery in batch {
                        group.addTask { await send(delivery, client: delivery.verifySSL ? verifying : trusting) ? delivery : nil }
                    }
                    return await group.reduce(into: [WebhookOutbox.Delivery]()) { if let delivery = $1 { $0.append(delivery) } }
                }
                do {
                    try await outbox.settled(settled)
                } catch {
                    // Their leases run out and they are sent again: at least once.
                    logger.warning("webhook outbox: cannot record \(settled.count) deliveries as made: \(String(describing: error).prefix(300))")
                }
                if busy { try? await Task.sleep(for: policy.busyPause) }
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

    /// Sends one delivery; true when it is settled (delivered, or not wanted by its extra filter),
    /// false when it failed and was rescheduled.
    private func send(_ delivery: WebhookOutbox.Delivery, client: HTTPClient) async -> Bool {
        do {
            guard WebhookOutbox.wanted(delivery) else { return true }
            if let problem = await addresses.problem(with: delivery.url) {
                try await fail(delivery, problem)
                return false
            }
            let (body, headers) = Self.request(for: delivery, timestamp: Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(policy.responseTimeout.components.seconds + policy.connectTimeout.components.seconds))
            // Read (and drop) up to 64 KiB of the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(Int(response.status.code)) { return true }
            try await fail(delivery, "The receiver answered \(response.status.code).")
        } catch {
            try? await fail(delivery, "The delivery failed: \(String(describing: error).prefix(200))")
        }
        return false
    }

    private func fail(_ delivery: WebhookOutbox.Delivery, _ message: String) async throws {
        let retryAt = CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + WebhookOutbox.microseconds(policy.retryDelay(afterAttempts: delivery.attempts)))
        let (dropped, paused) = try await outbox.failed(delivery, error: message, retryAt: retryAt, giveUpAfter: policy.giveUpAfter, pauseAfter: policy.pauseAfter)
        if dropped { logger.warning("webhook \(delivery.webhookID): gave up on event \(delivery.event.id) after \(delivery.attempts) attempts: \(message)") }
        if paused { logger.warning("webhook \(delivery.webhookID): paused, every delivery has failed for \(policy.pauseAfter)") }
    }
}
