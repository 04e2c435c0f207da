import ClosrCore
import Logging
import ServiceLifecycle

/// Refreshes the database's query-planner statistics (``Store/optimize()``) once the server has
/// started — in the background, so the port opens without waiting for it — and then every hour, so
/// plans keep up with an organization's growth.
struct StoreMaintenanceService: Service {
    let store: any Store
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.optimize()
                } catch {
                    logger.warning("Could not refresh the database's statistics: \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
