import ClosrModel
import Foundation

@testable import ClosrCore

/// A fresh SQLite file with one organization, as a first `closr serve` leaves it: its scope and the
/// lead status new leads start in.
struct OrganizationFixture {
    let store: any Store
    let scope: OrgScope
    let leadStatusID: String

    static func make() async throws -> OrganizationFixture {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("closr-core-\(UUID().uuidString)/closr.sqlite").path
        let store = try await StoreFactory.open(.sqlite(path: path))
        guard let account = try await AccountProvisioning(store: store).runIfEmpty(organizationName: "A", adminEmail: "a@example.com") else {
            throw FixtureError.bootstrapDidNothing
        }
        let scope = OrgScope(organizationID: account.key.organizationID, store: store)
        let status = try await scope.read { db in try await CRMDirectory.load(db).leadStatuses[0].id }
        return OrganizationFixture(store: store, scope: scope, leadStatusID: status)
    }

    enum FixtureError: Error {
        case bootstrapDidNothing
    }
}
