import ClosrModel
import Hummingbird

/// `GET /healthz`: unauthenticated liveness for load balancers, and the baseline the benchmarks
/// measure authenticated routes against.
struct HealthController {
    func addRoutes(to routes: CloseRoutes) {
        routes.on("healthz", .get) { _, _ in JSONResponse.make(.object([("status", .string("ok"))])) }
    }
}
