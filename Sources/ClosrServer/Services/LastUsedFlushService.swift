import ClosrCore
import Logging
import ServiceLifecycle

/// Writes keys' last-used data once a second, and a last time when the server shuts down gracefully
/// (after the HTTP server has finished its in-flight requests, since services stop in reverse order).
struct LastUsedFlushService: Service {
    let verifier: APIKeyVerifier
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                await flush()
            }
        }
        await flush()
    }

    private func flush() async {
        do {
            try await verifier.flushLastUsed()
        } catch {
            logger.warning("Could not record API keys' last use yet: \(error)")
        }
    }
}
