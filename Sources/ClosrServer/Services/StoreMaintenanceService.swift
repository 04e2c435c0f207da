import ClosrCore
import Logging
import ServiceLifecycle

/// Upkeep of the database, once the server has started (in the background, so the port opens without
/// waiting) and then every hour: refreshes the query planner's statistics (``Store/optimize()``) so
/// plans keep up with an organization's growth, drops events past the retention period
/// (``EventRetention``; nil keeps them), and deletes expired console sessions and spent invitations.
struct StoreMaintenanceService: Service {
    let store: any Store
    let eventRetention: Duration?
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
                if let eventRetention {
                    do {
                        let dropped = try await EventRetention(store: store).purge(olderThan: eventRetention)
                        if dropped > 0 { logger.info("Dropped \(dropped) events past the retention period") }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("Could not drop old events: \(error)")
                    }
                }
                do {
                    let purged = try await ConsoleSessions.purgeExpired(in: store)
                    if purged > 0 { logger.info("Deleted \(purged) expired console sessions and spent invitations") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("Could not delete expired console sessions: \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
