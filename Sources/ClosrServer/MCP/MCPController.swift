import ClosrCore
import ClosrMCP
import ClosrModel
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /mcp`: Close's MCP tools over Streamable HTTP, for agents (Claude, Cursor, VS Code, n8n…).
///
/// Authenticated by the same API keys as the REST API — Close's `Close-API-Key` header (with `Close-Scope`
/// to narrow the tools, see ``MCPAccess``), HTTP Basic, `Authorization: Bearer` or `x-api-key` — on every
/// POST; no session is kept, so any node answers. The query string is ignored (Close's documented way to
/// add one connector per organization is `…/mcp?1`, `…/mcp?2`). The tools run on ``InProcessCloseAPI``, so
/// each of their calls is an ordinary API request of the key. Other methods get 405 with `Allow: POST`
/// (this server offers no event stream to GET).
struct MCPController {
    let verifier: APIKeyVerifier
    let routes: APIResponderReference
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("mcp", .post) { request, context in
            do {
                return try await answer(request, context: context)
            } catch let error as CloseError where error.status == 401 && !Self.presentsKey(request) {
                return Self.refusal(.unauthorized(
                    "Unauthorized: send your API key in a Close-API-Key header (with Close-Scope: mcp.read, mcp.write_safe or mcp.write_destructive), or as HTTP Basic, Bearer or x-api-key"
                ))
            } catch let error as CloseError {
                return Self.refusal(error)
            } catch is NIOTooManyBytesError {
                return Self.refusal(.payloadTooLarge(limitBytes: maxBodyBytes))
            }
        }
    }

    static func presentsKey(_ request: Request) -> Bool {
        request.headers[.authorization] != nil || request.headers[.xAPIKey] != nil || request.headers[.closeAPIKey] != nil
    }

    /// JSON-RPC error code of a refusal before any method ran (a server-defined code; the HTTP status is in
    /// `data.status`). Not -32001, which the MCP SDKs use for a request timeout.
    static let refusalCode = -32004

    /// A refusal before any MCP method ran (no key, a revoked one, a bad `Close-Scope`, a body too large)
    /// keeps its HTTP status, and its body is a JSON-RPC error with Close's message: MCP clients show a
    /// JSON-RPC error's message, and only a generic "error response" for any other body.
    static func refusal(_ error: CloseError) -> Response {
        let body = CloseMCPServer.errorMessage(code: refusalCode, message: error.message, data: ["status": .int(error.status)])
        return JSONResponse.make(json: body, status: HTTPResponse.Status(code: error.status))
    }

    private func answer(_ request: Request, context: ClosrRequestContext) async throws -> Response {
        let principal = try await APIKeyAuthenticator.principal(for: request, context: context, verifier: verifier, checkingScopes: false)
        let access = try MCPAccess.tools(keyScopes: principal.scopes, closeScope: request.headers[values: .closeScope])
        var request = request
        let body = Array(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
        if let contentType = request.headers[.contentType], !JSONRequestBody.isJSON(contentType) {
            throw CloseError.unsupportedMediaType(contentType)
        }
        let server = CloseMCPServer(api: InProcessCloseAPI(routes: routes, request: request, context: context), access: access)
        let answer = await server.answer(body)
        guard let json = answer.body else { return Response(status: .accepted) }
        return JSONResponse.make(json: json, status: HTTPResponse.Status(code: answer.status))
    }
}

extension HTTPField.Name {
    /// Close's MCP key header: the raw key, not base64 (close-mcp.md §2).
    static let closeAPIKey = HTTPField.Name("Close-API-Key")!
    static let closeScope = HTTPField.Name("Close-Scope")!
}
