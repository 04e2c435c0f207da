import ClosrModel
import Synchronization
import HTTPTypes
import Hummingbird

/// CORS for the inbound routes, which pages on other sites call from the browser.
///
/// A preflight carries no key, so it cannot be checked against an organization: it is answered for any
/// origin, and the real request is then checked against its organization's allowed origins. Only once
/// that check has passed does an answer allow the origin — a success, or an error such as a 400 or 429
/// that the page's script may then show; a refused origin, an unknown key or a body read before the key
/// was known get none, so a page elsewhere learns nothing. No cookie is ever involved
/// (`Access-Control-Allow-Credentials` is never sent).
enum InboundCORS {
    static let allowedHeaders = "Content-Type, X-API-Key, Authorization"
    /// Chromium caps a preflight's cache at two hours.
    static let maxAgeSeconds = 7200

    static func preflight(_ request: Request) -> Response {
        var headers: HTTPFields = [
            .accessControlAllowMethods: "POST, OPTIONS", .accessControlAllowHeaders: allowedHeaders,
            .accessControlMaxAge: String(maxAgeSeconds), .vary: "Origin",
        ]
        if let origin = request.headers[.origin] { headers[.accessControlAllowOrigin] = origin }
        return Response(status: .noContent, headers: headers)
    }

    /// 403 for a browser origin the organization does not list.
    static func refusal(origin: String) -> CloseError {
        CloseError(
            status: 403,
            message: "Posts from the origin \(origin.prefix(200)) are not allowed for this organization: an admin adds it to allowed_origins "
                + "(PUT /api/v1/inbound_settings/ or `closr inbound --allow-origin`)"
        )
    }

    /// Opened once the request's origin is known to be one its organization allows; until then (no key
    /// yet, an unknown key, a body that could not be read) no answer allows the origin.
    final class Gate: Sendable {
        private let isOpen = Mutex(false)

        func open() { isOpen.withLock { $0 = true } }
        var allowsOrigin: Bool { isOpen.withLock { $0 } }
    }

    /// Runs a handler and allows the request's origin on its answer, or on its error once the gate opened.
    static func answer(_ request: Request, _ gate: Gate, _ handler: () async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await handler() }
        do {
            var response = try await handler()
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
            return response
        } catch let error as CloseError {
            var headers = error.headers
            if gate.allowsOrigin {
                headers[HTTPField.Name.accessControlAllowOrigin.rawName] = origin
                headers[HTTPField.Name.accessControlExposeHeaders.rawName] = "Retry-After, RateLimit"
            }
            headers[HTTPField.Name.vary.rawName] = "Origin"
            throw CloseError(status: error.status, message: error.message, fieldErrors: error.fieldErrors, headers: headers, rateLimit: error.rateLimit)
        }
    }
}
