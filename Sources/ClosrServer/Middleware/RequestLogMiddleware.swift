import ClosrModel
import HTTPTypes
import Hummingbird
import Logging

/// Identifies each request — a `req_…` id, and the client's IP (the peer, or the nearest untrusted hop
/// of a trusted proxy's `X-Forwarded-For`) — and writes one log line when it ends: id, method, path,
/// status, duration. The query string and headers are never logged, so a key sent in either cannot leak;
/// nor is an invitation link's token in its path.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ClosrRequestContext
    let logger: Logger
    let trustedProxies: Set<String>
    let requestIDs = RequestIDGenerator()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = requestIDs.next()
        context.clientIP = ClientAddress.resolve(
            peer: context.remoteAddress, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies
        )
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        response.headers[.requestID] = context.requestID
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "\(request.method) \(Self.loggable(request.uri.path)) \(response.status.code) \(Self.format(milliseconds))ms",
            metadata: ["request_id": .string(context.requestID)]
        )
        return response
    }

    /// The path as logged: an invitation link's token is a secret (whoever has it can join the team), so
    /// `/invite/inv_…` is logged without it.
    static func loggable(_ path: String) -> String {
        path.hasPrefix("/invite/") ? "/invite/[token]" : path
    }

    private static func format(_ milliseconds: Double) -> String {
        let hundredths = Int((milliseconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}
