import ClosrModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// The one place error bodies are written: every error thrown below it becomes Close's JSON error shape
/// with the right status (close-api.md §3). Unknown errors become a 500 whose body says nothing internal.
struct CloseErrorMiddleware: RouterMiddleware {
    typealias Context = ClosrRequestContext
    let logger: Logger
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Inbound posts come from the open web and have a smaller limit of their own.
        let maxBodyBytes = InboundController.bodyLimit(path: request.uri.path) ?? maxBodyBytes
        do {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
                throw CloseError.payloadTooLarge(limitBytes: maxBodyBytes)
            }
            return try await next(request, context)
        } catch {
            return Self.response(for: closeError(from: error, context: context, maxBodyBytes: maxBodyBytes))
        }
    }

    private func closeError(from error: any Error, context: Context, maxBodyBytes: Int) -> CloseError {
        switch error {
        case let error as CloseError:
            if error.status >= 500 { logger.error("\(error.message)", metadata: ["request_id": .string(context.requestID)]) }
            return error
        case is NIOTooManyBytesError, is ChunkedBodyTooLarge:
            return .payloadTooLarge(limitBytes: maxBodyBytes)
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound()
            case .contentTooLarge: return .payloadTooLarge(limitBytes: maxBodyBytes)
            case .badRequest: return .badRequest(error.body ?? "Bad request")
            default: return CloseError(status: Int(error.status.code), message: error.body ?? error.status.reasonPhrase)
            }
        case let error as HTTPParserError where error == .invalidEOFState || error == .closedConnection:
            // The client closed its side before the body it announced had arrived: nothing was read.
            return .badRequest("The request body ended before its declared length (\(error)): nothing was stored")
        default:
            if let message = HTTPProtocolErrorResponder.describe(error) {
                // The HTTP parser failed inside this request's body (a bad chunk): the body was not read.
                return .badRequest(message)
            }
            logger.error("Unexpected error: \(String(reflecting: error))", metadata: ["request_id": .string(context.requestID)])
            return .internalError("\(type(of: error))")
        }
    }

    static func response(for error: CloseError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let status = HTTPResponse.Status(code: error.status)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: CloseErrorBody.json(for: error))))
    }
}
