import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel with Closr's two guards around its codecs: ``ChunkSizeGuard`` ahead of
/// the decoder (raw bytes) and ``HTTPProtocolErrorResponder`` after it (decoded parts).
struct ClosrHTTPChannel: ServerChildChannel {
    let base: HTTP1Channel
    let maxBodyBytes: Int

    static func builder(idleTimeout: TimeAmount, maxBodyBytes: Int) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ClosrHTTPChannel(
                base: HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [HTTPProtocolErrorResponder()], idleTimeout: idleTimeout)
                ),
                maxBodyBytes: maxBodyBytes
            )
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(ChunkSizeGuard(maxBodyBytes: maxBodyBytes), position: .first)
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
