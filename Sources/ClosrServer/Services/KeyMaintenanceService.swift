import ClosrCore
import Logging
import ServiceLifecycle

/// Background upkeep of API keys: writes last-used data once a second, records `expired` audit events
/// every ten seconds, and flushes last use a final time when the server shuts down gracefully (after
/// the HTTP server has finished its in-flight requests, since services stop in reverse order).
struct KeyMaintenanceService: Service {
    let services: CoreServices
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var tick = 0
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                await flushLastUsed()
                tick += 1
                if tick % 10 == 0 { await recordExpiries() }
            }
        }
        await flushLastUsed()
    }

    private func flushLastUsed() async {
        do {
            try await services.verifier.flushLastUsed()
        } catch {
            logger.warning("Could not record API keys' last use yet: \(error)")
        }
    }

    private func recordExpiries() async {
        do {
            try await services.apiKeys.recordExpiries()
        } catch {
            logger.warning("Could not record API key expiries yet: \(error)")
        }
    }
}
