import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// Revocation is immediate even with the key busy: with 100 requests in flight on 100 connections while
/// the key is revoked, every request that starts after the revoke response has arrived is refused.
@Suite struct RevocationUnderLoadTests {
    struct Sample: Sendable {
        let start: ContinuousClock.Instant
        let status: HTTPResponse.Status
    }

    @Test func everyRequestStartedAfterTheRevokeResponseIsRefused() async throws {
        let env = try await TestEnvironment.make()
        let admin = env.secret
        try await env.withApp(.live) { client in
            let port = try #require(client.port)
            let created = try await client.json(.post, "/api/v1/api_key/", key: admin, #"{"label": "busy"}"#)
            let busy = try #require(created.json["key"] as? String)
            let busyID = try #require(created.json["id"] as? String)

            let samples = LockedBox<[Sample]>([])
            let stopAt = LockedBox<ContinuousClock.Instant?>(nil)
            let revokedAt = LockedBox<ContinuousClock.Instant?>(nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { connection in
                            while true {
                                if let stop = stopAt.withLock({ $0 }), ContinuousClock.now >= stop { return }
                                let start = ContinuousClock.now
                                let response = try await connection.get("/api/v1/me/", headers: Credential.basic(busy))
                                samples.withLock { $0.append(Sample(start: start, status: response.status)) }
                            }
                        }
                    }
                }
                // Revoke once the key is busy: every connection has completed requests with it.
                let busyBy = ContinuousClock.now + .seconds(20)
                while samples.withLock({ $0.filter { $0.status == .ok }.count }) < 200, ContinuousClock.now < busyBy {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let revoke = try await client.json(.delete, "/api/v1/api_key/\(busyID)/", key: admin)
                let now = ContinuousClock.now
                #expect(revoke.status == .ok)
                revokedAt.withLock { $0 = now }
                // Keep the load on until plenty of requests have started after the revoke (or 20 s pass).
                while samples.withLock({ $0.filter { $0.start > now }.count }) < 300, ContinuousClock.now < now + .seconds(20) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                stopAt.withLock { $0 = ContinuousClock.now }
                try await group.waitForAll()
            }

            let cutoff = try #require(revokedAt.withLock { $0 })
            let all = samples.withLock { $0 }
            let before = all.filter { $0.start < cutoff }
            let after = all.filter { $0.start > cutoff }
            #expect(before.contains { $0.status == .ok }, "the key was in use before the revoke")
            #expect(after.count >= 100, "every connection kept sending after the revoke")
            let leaks = after.filter { $0.status != .unauthorized }
            #expect(leaks.isEmpty, "\(leaks.count) of \(after.count) requests after the revoke were not refused")
        }
    }
}
