import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension TrackerScript {
    /// The script's validator: FNV-1a of its text, fixed for the life of a build.
    static let etag: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"" + String(hash, radix: 16) + "\""
    }()

    /// `GET /tracker.js`: cacheable for an hour by browsers and CDNs, revalidated by ETag (304).
    static func response(for request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=3600", .eTag: etag,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", .crossOriginResourcePolicy: "cross-origin",
        ]
        // Weak comparison (RFC 9110 §13.1.2): a CDN may have weakened the tag to `W/"…"`; `*` matches any.
        let tags = request.headers[.ifNoneMatch]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        if tags.contains(where: { $0 == "*" || $0 == etag || $0 == "W/" + etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(source.utf8.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: source)))
    }
}
