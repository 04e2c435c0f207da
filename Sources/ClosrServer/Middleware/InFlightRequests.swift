import Hummingbird
import Synchronization

/// How many API requests this node is handling right now. The webhook dispatcher reads it to yield to
/// them: deliveries can wait, a client's request should not (issue 16: delivery must not sit on the
/// request path, and on a busy node it must not take the request path's CPU either).
final class InFlightRequests: Sendable {
    private let count = Atomic<Int>(0)

    var isBusy: Bool { count.load(ordering: .relaxed) > 0 }

    /// Counts each request while its handler runs.
    struct Middleware: RouterMiddleware {
        typealias Context = ClosrRequestContext
        let gauge: InFlightRequests

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            gauge.count.add(1, ordering: .relaxed)
            defer { gauge.count.subtract(1, ordering: .relaxed) }
            return try await next(request, context)
        }
    }
}
