import ClosrModel
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Answers what the HTTP parser refuses with Close's JSON error body instead of an empty `400`.
///
/// A request line or header that llhttp refuses (an unknown or lowercase method, HTTP/0.9, 2.0 or 9.9,
/// NUL or CR in a header, folded headers, a head over 80 KB, Content-Length beside Transfer-Encoding)
/// reaches Hummingbird as an error between requests, and Hummingbird writes `400` with no body — which
/// the official client's `response.json()` cannot read. This handler sits after the HTTP codecs, takes
/// such an error before Hummingbird sees it, lets the responses to earlier pipelined requests finish,
/// then writes the `400` and closes the connection (the parser cannot resume after an error).
///
/// An error inside a request's body (a bad chunk size, a chunk without its CRLF) is passed on: the
/// request reading its body gets it, and ``CloseErrorMiddleware`` answers it, so a truncated body is
/// never mistaken for a complete one.
///
/// `CONNECT` is refused here as well: NIO's encoder writes no body on any answer to `CONNECT` and its
/// decoder stops reading after one, so the answer is written as bytes below the encoder.
final class HTTPProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Between a request's head and its end: errors then belong to that request's body.
    private var inRequest = false
    /// Requests read whose response has not ended yet.
    private var unanswered = 0
    /// The answer to write once `unanswered` reaches zero.
    private var pending: CloseError?
    /// Set once the connection is being answered and closed here; nothing more is read.
    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.method == .connect {
                answer(CloseError(status: 405, message: "Method not allowed: CONNECT is not served here"), context: context)
                return
            }
            inRequest = true
            unanswered += 1
        case .body:
            break
        case .end:
            inRequest = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !inRequest, !closing, let message = Self.describe(error) else {
            context.fireErrorCaught(error)
            return
        }
        answer(.badRequest(message), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        unanswered -= 1
        if unanswered == 0, let error = pending {
            pending = nil
            send(error, context: context)
        }
    }

    private func answer(_ error: CloseError, context: ChannelHandlerContext) {
        closing = true
        if unanswered == 0 {
            send(error, context: context)
        } else {
            pending = error
        }
    }

    /// Writes the whole response as bytes from the response encoder's place in the pipeline (so they
    /// go straight to the socket), then closes the connection.
    private func send(_ error: CloseError, context: ChannelHandlerContext) {
        let body = CloseErrorBody.json(for: error)
        let reason = HTTPResponseStatus(statusCode: error.status).reasonPhrase
        var bytes = context.channel.allocator.buffer(capacity: 160 + body.count)
        bytes.writeString("HTTP/1.1 \(error.status) \(reason)\r\nContent-Type: application/json\r\n")
        bytes.writeString("Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        bytes.writeBytes(body)
        guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        encoder.writeAndFlush(NIOAny(bytes)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// What to tell the client for an error of the HTTP parser or of the conversion to HTTP types;
    /// nil for other errors (I/O), which are not answered.
    static func describe(_ error: any Error) -> String? {
        if let error = error as? HTTPParserError {
            let reason: String
            switch error {
            case .headerOverflow: reason = "the request line and headers are larger than 80 KB"
            case .invalidMethod: reason = "the method is not a known HTTP method (methods are upper case)"
            case .invalidVersion: reason = "the HTTP version is not supported (use HTTP/1.0 or HTTP/1.1)"
            case .closedConnection, .invalidEOFState: return nil
            case .invalidHeaderToken, .invalidConstant, .lfExpected, .invalidCharactersUsed:
                reason = "a header is malformed (no NUL or CR in a header, no folded headers)"
            case .unexpectedContentLength:
                reason = "Content-Length and Transfer-Encoding must not be sent together"
            case .invalidURL: reason = "the URL is malformed"
            case .invalidChunkSize: reason = "a chunk size of the body is malformed"
            case .invalidContentLength: reason = "the Content-Length is malformed"
            default: reason = "the request is not valid HTTP/1.1"
            }
            return "Malformed HTTP request: \(reason)"
        }
        if error is HTTP1TypeConversionError {
            return "Malformed HTTP request: the method or the request target is not valid"
        }
        return nil
    }
}
