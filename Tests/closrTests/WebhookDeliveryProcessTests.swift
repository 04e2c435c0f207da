import ClosrCore
import ClosrTestSupport
import Foundation
import Testing

/// Webhook deliveries from real `closr serve` processes: pending deliveries survive `kill -9`, and two
/// nodes on one PostgreSQL database deliver each event once.
@Suite(.serialized) struct WebhookDeliveryProcessTests {
    static func argument(_ database: DatabaseURL) -> String {
        switch database {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return url
        }
    }

    static func serveArguments(_ database: DatabaseURL, keyFile: String) -> [String] {
        ["serve", "--port", "0", "--database", argument(database), "--rate-limit", "off", "--allow-private-webhooks",
         "--secret-key-file", keyFile, "--webhook-first-retry-seconds", "0.2", "--webhook-lease-seconds", "2"]
    }

    static func subscribe(_ base: String, _ key: String, url: String) async throws -> String {
        let created = try await http("POST", "\(base)/webhook/", key: key, json: #"{"url": "\#(url)", "events": [{"object_type": "lead", "action": "created"}]}"#)
        #expect(created.status == 201, "\(created.body)")
        return try #require(jsonString(created.body, "signature_key"))
    }

    @Test func pendingDeliveriesSurviveKillNineAndAreSentAfterRestart() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.refusing.withLock { $0 = true }
        let database = try TestDatabase.fresh()
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("closr-key-\(UUID().uuidString)").path
        let first = try ClosrProcess(Self.serveArguments(database, keyFile: keyFile))
        let port = try await first.waitForPort()
        let admin = String(try #require(first.stdout.split(separator: "\n").first { $0.hasPrefix("API key: ") }).dropFirst("API key: ".count))
        let base = "http://127.0.0.1:\(port)/api/v1"
        let signingKey = try await Self.subscribe(base, admin, url: receiver.url)
        var leadIDs: Set<String> = []
        for index in 0..<20 {
            let lead = try await http("POST", "\(base)/lead/", key: admin, json: #"{"name": "Pending \#(index)"}"#)
            leadIDs.insert(try #require(jsonString(lead.body, "id")))
        }
        // Attempts are refused for a while, then the server dies without a chance to finish anything.
        try await Task.sleep(for: .milliseconds(500))
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        #expect(receiver.deliveries.isEmpty)

        receiver.refusing.withLock { $0 = false }
        let second = try ClosrProcess(Self.serveArguments(database, keyFile: keyFile))
        _ = try await second.waitForPort()
        let deliveries = try await receiver.wait(for: 20, seconds: 30)
        let delivered = Set(deliveries.compactMap { $0.event["object_id"] as? String })
        #expect(delivered == leadIDs, "every acknowledged lead's event arrives after the restart")
        for delivery in deliveries {
            #expect(delivery.hash == WebhookReceiver.signature(key: signingKey, timestamp: delivery.timestamp ?? "", body: delivery.body))
        }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        try? FileManager.default.removeItem(atPath: keyFile)
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs CLOSR_TEST_POSTGRES_URL"))
    func twoNodesOnPostgreSQLDeliverEachEventOnce() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let database = try TestDatabase.freshPostgres()
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("closr-key-\(UUID().uuidString)").path
        let processes = try (0..<2).map { _ in try ClosrProcess(Self.serveArguments(database, keyFile: keyFile)) }
        var ports: [Int] = []
        for process in processes { ports.append(try await process.waitForPort()) }
        let admin = String(try #require(processes.flatMap { $0.stdout.split(separator: "\n") }.first { $0.hasPrefix("API key: ") }).dropFirst("API key: ".count))
        let bases = ports.map { "http://127.0.0.1:\($0)/api/v1" }
        let signingKey = try await Self.subscribe(bases[0], admin, url: receiver.url)
        for index in 0..<40 {
            _ = try await http("POST", "\(bases[index % 2])/lead/", key: admin, json: #"{"name": "Node lead \#(index)"}"#)
        }
        _ = try await receiver.wait(for: 40, seconds: 30)
        try await Task.sleep(for: .seconds(1))
        let events = receiver.deliveries.compactMap { $0.event["id"] as? String }
        #expect(events.count == 40 && Set(events).count == 40, "\(events.count) deliveries of \(Set(events).count) events")
        #expect(receiver.deliveries.allSatisfy { $0.hash == WebhookReceiver.signature(key: signingKey, timestamp: $0.timestamp ?? "", body: $0.body) },
                "both nodes sign with the key sealed by the shared secret key file")
        for process in processes { process.signal(SIGTERM) }
        for process in processes { #expect(try await process.waitForExit() == 0) }
        try? FileManager.default.removeItem(atPath: keyFile)
    }
}
