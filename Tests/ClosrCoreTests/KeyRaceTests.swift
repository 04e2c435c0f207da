import ClosrModel
import ClosrTestSupport
import Foundation
import Testing

@testable import ClosrCore

/// Key rules that read, check and write hold when two nodes (two stores on one database) change the same
/// organization's keys at once: on PostgreSQL, read-committed transactions would otherwise both pass.
@Suite struct KeyRaceTests {
    @Test func twoNodesCreatingAtOnceNeverPassTheLimit() async throws {
        let (first, second, key) = try await SharedStoreSignalTests.twoStores()
        let organizationID = key.key.organizationID
        let services = [CoreServices(store: first), CoreServices(store: second)]
        // One key exists; fill to one below the limit, then race 10 creations split over the two nodes.
        for index in 1..<(APIKeyService.maxActiveKeysPerOrganization - 1) {
            _ = try await services[0].apiKeys.create(
                in: OrgScope(organizationID: organizationID, store: first), userID: key.key.userID, label: "k\(index)",
                origin: .commandLine(userID: key.key.userID)
            )
        }
        let created = await withTaskGroup(of: Bool.self) { group in
            for attempt in 0..<10 {
                let node = services[attempt % 2]
                group.addTask {
                    (try? await node.apiKeys.create(
                        in: OrgScope(organizationID: organizationID, store: node.store), userID: key.key.userID,
                        label: "race \(attempt)", origin: .commandLine(userID: key.key.userID)
                    )) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(created == 1)
        let active = try await services[1].apiKeys.list(
            in: OrgScope(organizationID: organizationID, store: second), ownerID: nil, skip: 0, limit: 100
        ).keys.filter { $0.status == .active }
        #expect(active.count == APIKeyService.maxActiveKeysPerOrganization)
        try await first.close()
        try await second.close()
    }

    @Test func twoNodesRotatingOneKeyAtOnceMakeOneSuccessor() async throws {
        let (first, second, key) = try await SharedStoreSignalTests.twoStores()
        let organizationID = key.key.organizationID
        let services = [CoreServices(store: first), CoreServices(store: second)]
        let rotations = await withTaskGroup(of: Bool.self) { group in
            for attempt in 0..<6 {
                let node = services[attempt % 2]
                group.addTask {
                    (try? await node.apiKeys.rotate(
                        in: OrgScope(organizationID: organizationID, store: node.store), id: key.key.id, ownerID: nil,
                        graceSeconds: nil, origin: .commandLine(userID: key.key.userID)
                    )) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(rotations == 1)
        try await first.close()
        try await second.close()
    }
}
