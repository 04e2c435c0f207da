import ClosrCore
import ClosrModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Per-request state shared by middleware and controllers: the request id and, once authenticated,
/// the ``Principal`` whose ``OrgScope`` is the controller's only way to the data.
public struct ClosrRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, before any trusted proxy's `X-Forwarded-For` is applied.
    public let remoteAddress: SocketAddress?
    /// `req_…`, set by ``RequestLogMiddleware`` and returned in `X-Request-ID`.
    public var requestID: String = ""
    /// The client's IP, after trusted proxies' `X-Forwarded-For`; set by ``RequestLogMiddleware``.
    public var clientIP: String?
    /// Set by ``APIKeyAuthenticator`` on routes that need a key.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The authenticated caller; a route that needs one and has none answers 401.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw CloseError.unauthorized() }
        return principal
    }

    /// Who is asking and from where, for the event log.
    static let tzOffset = HTTPField.Name("X-TZ-Offset")!

    func origin(of request: Request) -> RequestOrigin {
        var origin = RequestOrigin(
            userID: principal?.userID, apiKeyID: principal?.apiKeyID, requestID: requestID, ip: clientIP,
            userAgent: request.headers[.userAgent], method: request.method.rawValue, path: request.uri.path
        )
        if let offset = request.headers[Self.tzOffset].flatMap(RequestOrigin.utcOffsetSeconds(fromHours:)) {
            origin.utcOffsetSeconds = offset
        }
        return origin
    }
}
