import ClosrModel
import Hummingbird

/// `GET /healthz`: unauthenticated liveness for load balancers, and the baseline the benchmarks
/// measure authenticated routes against. `GET /`: for a browser the web console, for a script what this
/// server is and how to use it.
struct HealthController {
    static let about: JSONValue = .object([
        ("name", .string("Closr")),
        ("description", .string("A self-hosted CRM server whose REST API is wire-compatible with the Close API v1.")),
        ("version", .string(ClosrVersion.current)),
        ("api", .string("/api/v1/")),
        ("authentication", .string(
            "Send an API key as the username of HTTP Basic with an empty password (curl -u KEY: …), as Close's clients do; "
                + "Authorization: Bearer KEY and x-api-key: KEY work too. The first key is printed when the server first starts; "
                + "`closr keys create` makes more."
        )),
        ("try", .string("GET /api/v1/me/")),
        ("health", .string("/healthz")),
    ])

    func addRoutes(to routes: CloseRoutes) {
        routes.on("healthz", .get) { _, _ in JSONResponse.make(.object([("status", .string("ok"))])) }
        routes.on("", .get) { request, _ in
            // A browser opening the address gets the console (the leads, or signing in first); a script, what this server is.
            if request.headers[.accept]?.contains("text/html") == true { return ConsolePage.redirect("/leads") }
            return JSONResponse.make(Self.about)
        }
    }
}
