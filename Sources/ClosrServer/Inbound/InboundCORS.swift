import ClosrModel
import HTTPTypes
import Hummingbird

/// CORS for the inbound routes, which pages on other sites call from the browser.
///
/// A preflight carries no key, so it cannot be checked against an organization: it is answered for any
/// origin, and the real request is then checked against its organization's allowed origins. A refused
/// origin gets a 403 without `Access-Control-Allow-Origin`, so the page can neither post nor read why;
/// every other answer, errors included, allows the origin that asked, so a page's script can show them.
/// No cookie is ever involved (`Access-Control-Allow-Credentials` is never sent).
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
                + "(PUT /api/v1/inbound_settings/ or `closr inbound --allow-origin`)",
            headers: [refusedMarker: "1"]
        )
    }

    /// Marks an origin refusal on its way out, so that no CORS header is added to it.
    private static let refusedMarker = "X-Closr-Origin-Refused"

    /// Runs a handler and puts the request origin's CORS headers on its answer or its error.
    static func answer(_ request: Request, _ handler: () async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await handler() }
        do {
            var response = try await handler()
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
            return response
        } catch let error as CloseError {
            var headers = error.headers
            if headers.removeValue(forKey: refusedMarker) == nil {
                headers[HTTPField.Name.accessControlAllowOrigin.rawName] = origin
                headers[HTTPField.Name.accessControlExposeHeaders.rawName] = "Retry-After, RateLimit"
            }
            headers[HTTPField.Name.vary.rawName] = "Origin"
            throw CloseError(status: error.status, message: error.message, fieldErrors: error.fieldErrors, headers: headers, rateLimit: error.rateLimit)
        }
    }
}
