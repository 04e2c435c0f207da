import ClosrCore
import ClosrModel
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The server's own routes, reachable from inside a request: set once, after the router is built
/// (the MCP route is registered on that same router, hence the late binding).
final class APIResponderReference: Sendable {
    private let responder = Mutex<(any HTTPResponder<ClosrRequestContext>)?>(nil)

    func set(_ responder: any HTTPResponder<ClosrRequestContext>) {
        self.responder.withLock { $0 = responder }
    }

    var current: (any HTTPResponder<ClosrRequestContext>)? { responder.withLock { $0 } }
}

/// ``CloseAPI`` in process: each call is dispatched to the server's own `/api/v1/` routes without a
/// socket, as a request of the caller who opened the MCP request — same headers (so the same key, user
/// agent and forwarded address), same middleware. So a tool's call is authenticated, scoped and rate
/// limited, records the key's last use, logs its line and writes its events exactly as the same call
/// over HTTP would, and a key revoked between two tool calls stops the second.
struct InProcessCloseAPI: CloseAPI {
    let routes: APIResponderReference
    /// The MCP request's headers, minus those that describe its own body.
    let headers: HTTPFields
    let context: ClosrRequestContext

    init(routes: APIResponderReference, request: Request, context: ClosrRequestContext) {
        self.routes = routes
        var headers = request.headers
        for name in [HTTPField.Name.contentType, .contentLength, .accept, .transferEncoding, .connection] { headers[name] = nil }
        self.headers = headers
        var context = context
        context.principal = nil
        self.context = context
    }

    /// For a person signed in to the console: the calls act as the session's principal (set on the
    /// context, which only code in this process can do: a request from outside always starts without
    /// one), carrying the browser's user agent and forwarded address but not its cookies.
    init(routes: APIResponderReference, principal: Principal, request: Request, context: ClosrRequestContext) {
        self.routes = routes
        var headers = HTTPFields()
        for name in [HTTPField.Name.userAgent, .xForwardedFor] {
            for value in request.headers[values: name] { headers.append(HTTPField(name: name, value: value)) }
        }
        self.headers = headers
        var context = context
        context.principal = principal
        self.context = context
    }

    func send(_ method: CloseMethod, _ path: String, query: [(String, String)], body: JSONValue?) async throws -> [UInt8] {
        guard let responder = routes.current else { throw CloseError.internalError("The API routes are not ready yet.") }
        var headers = self.headers
        headers[.accept] = "application/json"
        var requestBody = RequestBody(buffer: ByteBuffer())
        if let body {
            headers[.contentType] = "application/json"
            requestBody = RequestBody(buffer: ByteBuffer(bytes: body.serialized()))
        }
        let head = HTTPRequest(
            method: HTTPRequest.Method(method.rawValue)!, scheme: nil, authority: nil,
            path: "/api/v1/" + path + CloseAPIDecoding.queryString(query), headerFields: headers
        )
        let response = try await responder.respond(to: Request(head: head, body: requestBody), context: context)
        let collected = CollectedBody()
        try await response.body.write(BodyCollector(into: collected))
        let bytes = collected.bytes
        guard (200..<300).contains(Int(response.status.code)) else {
            throw CloseErrorBody.error(status: Int(response.status.code), body: bytes, retryAfter: response.headers[.retryAfter])
        }
        return bytes
    }
}

/// Where ``BodyCollector`` leaves the bytes: one task writes, then the same task reads.
private final class CollectedBody: @unchecked Sendable {
    var bytes: [UInt8] = []
}

private struct BodyCollector: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        into.bytes.append(contentsOf: buffer.readableBytesView)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
