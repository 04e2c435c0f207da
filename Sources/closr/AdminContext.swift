import ArgumentParser
import ClosrCore
import ClosrModel

/// The store and the admin the `closr keys` commands act as: the organization's first admin, since the
/// command line is for whoever runs the server.
struct AdminContext {
    let store: any Store
    let services: CoreServices
    let organizationID: String
    let userID: String

    var scope: OrgScope { OrgScope(organizationID: organizationID, store: store) }
    var origin: RequestOrigin { .commandLine(userID: userID) }

    /// Opens the database, runs `body` as its first admin, and closes the database whatever happens.
    static func with<T>(_ database: DatabaseOptions, _ body: (AdminContext) async throws -> T) async throws -> T {
        try await CommandFailure.reported { try await run(database, body) }
    }

    private static func run<T>(_ database: DatabaseOptions, _ body: (AdminContext) async throws -> T) async throws -> T {
        let store = try await StoreFactory.openExisting(try database.resolved())
        do {
            guard let admin = try await AccountProvisioning(store: store).firstAdmin() else {
                throw CommandFailure("The database has no organization yet: start `closr serve` once to create it.")
            }
            let context = AdminContext(
                store: store, services: CoreServices(store: store), organizationID: admin.organizationID, userID: admin.userID
            )
            let result = try await body(context)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
