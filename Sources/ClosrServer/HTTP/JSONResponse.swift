import ClosrModel
import Hummingbird
import NIOCore

/// Writes a wire value as a JSON response; every successful answer goes through here.
enum JSONResponse {
    static func make(_ value: some JSONRepresentable, status: HTTPResponse.Status = .ok) -> Response {
        make(value.jsonValue, status: status)
    }

    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}
