import ClosrCore
import Logging
import ServiceLifecycle

/// Refreshes the database's query-planner statistics every hour (``Store/optimize()``), so plans keep
/// up with an organization's growth between restarts (the store also does it when it opens).
struct StoreMaintenanceService: Service {
    let store: any Store
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    try await store.optimize()
                } catch {
                    logger.warning("Could not refresh the database's statistics: \(error)")
                }
            }
        }
    }
}
