import ClosrModel
import ClosrTestSupport
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// Last use is written in batches: every used key gets its newest use, and an older use (another
/// node's) never overwrites a newer stored one.
@Suite struct LastUsedFlushTests {
    @Test func aBatchWritesEveryKeyAndKeepsNewerUses() async throws {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        let provisioning = AccountProvisioning(store: store)
        let first = try #require(try await provisioning.runIfEmpty(organizationName: "A", adminEmail: "a@example.com"))
        let second = try await provisioning.createOrganization(name: "B", adminEmail: "b@example.com")
        let services = CoreServices(store: store)
        let third = try await services.apiKeys.create(
            in: OrgScope(organizationID: first.key.organizationID, store: store), userID: first.key.userID,
            label: "third", origin: RequestOrigin()
        )
        _ = try await services.verifier.verify(secret: first.secret, ip: "10.0.0.1", userAgent: "one")
        _ = try await services.verifier.verify(secret: second.secret, ip: nil, userAgent: "two")
        _ = try await services.verifier.verify(secret: third.secret, ip: "10.0.0.3", userAgent: nil)
        try await services.verifier.flushLastUsed()

        func stored(_ key: CreatedAPIKey) async throws -> (at: Int64?, ip: String?, agent: String?) {
            try await store.read { db in
                let row = try #require(try await db.select().columns("last_used_at", "last_used_ip", "last_used_user_agent")
                    .from("api_keys").where("id", .equal, key.key.id).first())
                return (try row.decode(column: "last_used_at", as: Int64?.self), try row.decode(column: "last_used_ip", as: String?.self),
                        try row.decode(column: "last_used_user_agent", as: String?.self))
            }
        }
        let one = try await stored(first)
        #expect(one.at != nil && one.ip == "10.0.0.1" && one.agent == "one")
        let two = try await stored(second)
        #expect(two.at != nil && two.ip == nil && two.agent == "two")
        let three = try await stored(third)
        #expect(three.ip == "10.0.0.3" && three.agent == nil)
        // A list whose read began before the flush committed read no use from the table; memory still
        // has it for a while, so the list shows it anyway.
        let remembered = services.verifier.lastUsed.pendingUse(keyID: first.key.id)
        #expect(remembered?.ip == "10.0.0.1" && remembered?.userAgent == "one")

        // An older use recorded later (as another node's flush would be) leaves the newer one in place.
        services.verifier.lastUsed.record(
            SecretDigest(of: Array(first.secret.utf8)), keyID: first.key.id, organizationID: first.key.organizationID,
            at: CloseTimestamp(microseconds: 1), ip: "192.0.2.1", userAgent: "stale"
        )
        try await services.verifier.flushLastUsed()
        let after = try await stored(first)
        #expect(after.at == one.at && after.ip == "10.0.0.1" && after.agent == "one")
        try await store.close()
    }
}
