import NIOCore

/// Refuses a chunked request body the moment its chunks declare more bytes than the body limit allows.
///
/// NIO's HTTP decoder does not say how big a chunk is announced to be; it passes a chunk's bytes on as
/// they arrive. A chunk declared as `7FFFFFFFFFFFFFFF` bytes therefore kept the request waiting for data
/// until the client left, where a `Content-Length` over the limit is refused at once (413). This handler
/// follows the request framing in the raw bytes ahead of the decoder — the end of each request head,
/// its `Content-Length` or `Transfer-Encoding: chunked`, then each chunk's size line — and forwards every
/// byte unchanged. When the sizes declared so far add up to more than the limit it stops forwarding and
/// raises ``ChunkedBodyTooLarge`` in the pipeline; the request reading its body gets it and
/// `CloseErrorMiddleware` answers 413.
///
/// It decides nothing else: framing it does not follow (`CONNECT`, an upgrade, a head or line longer
/// than it keeps, a size that is not hex) makes it stand aside for the rest of the connection, and the
/// decoder, which does the real parsing, answers as before. Bodies and chunk data are skipped in bulk;
/// only heads and size lines are looked at byte by byte.
final class ChunkSizeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        case head
        case body
        case chunkSize
        case chunkData
        case trailers
        case standingAside
        case refused
    }

    private static let longestHead = 96 * 1024
    private static let longestLine = 4096

    private let maxBodyBytes: Int
    private var state = State.head
    /// The head or line being read.
    private var pending: [UInt8] = []
    /// Bytes of body or chunk data (with its CRLF) still to skip.
    private var remaining = 0
    /// The chunk sizes declared so far in this request's body.
    private var declared = 0

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        pending.reserveCapacity(512)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .refused: return
        case .standingAside: return context.fireChannelRead(data)
        default: break
        }
        var buffer = unwrapInboundIn(data)
        let consumed = buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count, state != .standingAside, state != .refused {
                index = advance(bytes, from: index)
            }
            return index
        }
        guard state == .refused else { return context.fireChannelRead(data) }
        // The decoder gets the request up to the size line that was refused (so the request is under
        // way and reads its body), then the error in place of the rest.
        pending = []
        if let before = buffer.readSlice(length: consumed) { context.fireChannelRead(wrapInboundOut(before)) }
        context.fireErrorCaught(ChunkedBodyTooLarge(limitBytes: maxBodyBytes))
    }

    /// Consumes bytes from `index` for the current state and returns where it stopped.
    private func advance(_ bytes: UnsafeRawBufferPointer, from index: Int) -> Int {
        switch state {
        case .body, .chunkData:
            let skipped = min(remaining, bytes.count - index)
            remaining -= skipped
            if remaining == 0 { state = state == .body ? .head : .chunkSize }
            return index + skipped
        case .head, .chunkSize, .trailers:
            var index = index
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                pending.append(byte)
                if byte == 10 {
                    lineEnded()
                    return index
                }
                if pending.count > (state == .head ? Self.longestHead : Self.longestLine) {
                    state = .standingAside
                    return index
                }
            }
            return index
        case .standingAside, .refused:
            return bytes.count
        }
    }

    /// A line ended in `pending` (for a head, a line of it).
    private func lineEnded() {
        switch state {
        case .head:
            guard isBlankLine(from: headLineStart) else {
                headLineStart = pending.count
                return
            }
            // A blank line ends the head; before any line it is a stray CRLF between requests.
            if headLineStart > 0 { state = framing() }
            pending.removeAll(keepingCapacity: true)
            headLineStart = 0
        case .chunkSize:
            guard let size = Self.chunkSize(pending) else { return standAside() }
            pending.removeAll(keepingCapacity: true)
            let (total, overflow) = declared.addingReportingOverflow(size)
            if overflow || total > maxBodyBytes { return state = .refused }
            declared = total
            if size == 0 {
                state = .trailers
            } else {
                remaining = size + 2
                state = .chunkData
            }
        case .trailers:
            let blank = pending.allSatisfy { $0 == 13 || $0 == 10 }
            pending.removeAll(keepingCapacity: true)
            if blank { state = .head }
        default:
            break
        }
    }

    /// Where the current line of a head starts in `pending`.
    private var headLineStart = 0

    private func isBlankLine(from start: Int) -> Bool {
        pending[start...].allSatisfy { $0 == 13 || $0 == 10 }
    }

    private func standAside() {
        pending = []
        state = .standingAside
    }

    /// What follows a complete head in `pending`: a chunked body, a body of known length, or the next
    /// request. Header names are compared without regard to case, values as the decoder would read them.
    private func framing() -> State {
        declared = 0
        if Self.startsWith(pending, "CONNECT ") { return .standingAside }
        var chunked = false
        var length = 0
        var lineStart = 0
        for index in pending.indices where pending[index] == 10 {
            let line = pending[lineStart..<index]
            lineStart = index + 1
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[line.startIndex..<colon]
            let value = line[(colon + 1)...]
            if Self.equalsIgnoringCase(name, "transfer-encoding") {
                chunked = Self.endsWithChunked(value)
            } else if Self.equalsIgnoringCase(name, "content-length") {
                guard let parsed = Self.decimal(value) else { return .standingAside }
                length = parsed
            } else if Self.equalsIgnoringCase(name, "upgrade") {
                return .standingAside
            }
        }
        if chunked { return .chunkSize }
        if length > 0 {
            remaining = length
            return .body
        }
        return .head
    }

    private static func startsWith(_ bytes: [UInt8], _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { prefix in (0..<count).allSatisfy { bytes[$0] == prefix[$0] } }
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { name in
            zip(bytes, name).allSatisfy { $0 | 0x20 == $1 | 0x20 }
        }
    }

    /// Whether a `Transfer-Encoding` value's last coding is `chunked`.
    private static func endsWithChunked(_ value: ArraySlice<UInt8>) -> Bool {
        let trimmed = value.reversed().drop { $0 == 13 || $0 == 32 || $0 == 9 }
        let word = Array("chunked".utf8.reversed())
        let last = Array(trimmed.prefix(word.count))
        return last.count == word.count && zip(last, word).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func decimal(_ value: ArraySlice<UInt8>) -> Int? {
        var result = 0
        var digits = 0
        for byte in value where byte != 32 && byte != 9 && byte != 13 {
            guard (48...57).contains(byte) else { return nil }
            let (shifted, overflow) = result.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            result = shifted + Int(byte - 48)
            digits += 1
        }
        return digits > 0 ? result : nil
    }

    /// The hexadecimal size at the start of a chunk-size line (before any `;extension`); nil if there is
    /// none. Sizes too large for an `Int` count as `Int.max`.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            default:
                return digits > 0 ? size : nil
            }
            digits += 1
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            size = overflow || shifted > Int.max - value ? Int.max : shifted + value
        }
        return digits > 0 ? size : nil
    }
}

/// A chunked request body announced more bytes than the server accepts.
struct ChunkedBodyTooLarge: Error {
    let limitBytes: Int
}
