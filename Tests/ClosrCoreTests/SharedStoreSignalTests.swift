import ClosrModel
import ClosrTestSupport
import Foundation
import Testing

@testable import ClosrCore

/// Two stores opened on one database stand for two processes or nodes (a server and `closr keys`, or
/// two servers): a change made through one is seen by the other's caches on its very next read.
@Suite struct SharedStoreSignalTests {
    static func twoStores() async throws -> (server: any Store, other: any Store, key: CreatedAPIKey) {
        let url = try TestDatabase.fresh()
        let server = try await StoreFactory.open(url)
        let key = try #require(try await AccountProvisioning(store: server).runIfEmpty(organizationName: "Acme", adminEmail: "ada@example.com"))
        let other = try await StoreFactory.open(url)
        return (server, other, key)
    }

    @Test func aKeyRevokedElsewhereIsRefusedOnTheNextVerification() async throws {
        let (server, other, key) = try await Self.twoStores()
        let verifier = APIKeyVerifier(store: server, caches: CoreCaches())
        _ = try await verifier.verify(secret: key.secret, ip: nil, userAgent: nil)
        _ = try await verifier.verify(secret: key.secret, ip: nil, userAgent: nil)
        try await CoreServices(store: other).apiKeys.revoke(
            in: OrgScope(organizationID: key.key.organizationID, store: other), id: key.key.id, ownerID: nil,
            origin: .commandLine(userID: key.key.userID)
        )
        await #expect(throws: CloseError.unauthorized("API key revoked")) {
            try await verifier.verify(secret: key.secret, ip: nil, userAgent: nil)
        }
        try await server.close()
        try await other.close()
    }

    @Test func anAccountChangeElsewhereRetiresCachedViews() async throws {
        let (server, other, key) = try await Self.twoStores()
        let principal = try await APIKeyVerifier(store: server, caches: CoreCaches()).verify(secret: key.secret, ip: nil, userAgent: nil)
        let organizations = OrganizationService(store: server, caches: CoreCaches())
        let before = String(decoding: try await organizations.meJSON(principal), as: UTF8.self)
        #expect(before.contains("\"name\":\"Acme\""))
        let otherPrincipal = try await APIKeyVerifier(store: other, caches: CoreCaches()).verify(secret: key.secret, ip: nil, userAgent: nil)
        _ = try await OrganizationService(store: other, caches: CoreCaches()).update(
            id: key.key.organizationID, name: "Acme Renamed", currency: nil, for: otherPrincipal, origin: RequestOrigin(userID: otherPrincipal.userID)
        )
        let after = String(decoding: try await organizations.meJSON(principal), as: UTF8.self)
        #expect(after.contains("\"name\":\"Acme Renamed\""))
        try await server.close()
        try await other.close()
    }

    @Test func leadCountsFollowLeadsCreatedElsewhere() async throws {
        let (server, other, key) = try await Self.twoStores()
        let principal = try await APIKeyVerifier(store: server, caches: CoreCaches()).verify(secret: key.secret, ip: nil, userAgent: nil)
        let otherPrincipal = try await APIKeyVerifier(store: other, caches: CoreCaches()).verify(secret: key.secret, ip: nil, userAgent: nil)
        let leads = LeadService()
        #expect(try await leads.list(query: LeadQuery(), skip: 0, limit: 10, in: principal.scope).total == 0)
        _ = try await leads.create(.object([("name", .string("Elsewhere"))]), principal: otherPrincipal, origin: RequestOrigin())
        #expect(try await leads.list(query: LeadQuery(), skip: 0, limit: 10, in: principal.scope).total == 1)
        try await server.close()
        try await other.close()
    }
}
