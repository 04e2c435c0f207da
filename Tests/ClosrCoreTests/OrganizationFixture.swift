import ClosrModel
import ClosrTestSupport
import Foundation

@testable import ClosrCore

/// A fresh database (of the run's dialect) with one organization, as a first `closr serve` leaves it:
/// its scope, with the caches a server would use, and the lead status new leads start in.
struct OrganizationFixture {
    let store: any Store
    let caches: CoreCaches
    let scope: OrgScope
    let leadStatusID: String

    static func make() async throws -> OrganizationFixture {
        let store = try await StoreFactory.open(try TestDatabase.fresh())
        guard let account = try await AccountProvisioning(store: store).runIfEmpty(organizationName: "A", adminEmail: "a@example.com") else {
            throw FixtureError.bootstrapDidNothing
        }
        let caches = CoreCaches()
        let scope = OrgScope(organizationID: account.key.organizationID, store: store, caches: caches)
        let status = try await scope.read { db in try await CRMDirectory.load(db).leadStatuses[0].id }
        return OrganizationFixture(store: store, caches: caches, scope: scope, leadStatusID: status)
    }

    enum FixtureError: Error {
        case bootstrapDidNothing
    }
}
