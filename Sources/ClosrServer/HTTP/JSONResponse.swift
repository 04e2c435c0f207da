import ClosrModel
import Hummingbird
import NIOCore

/// Writes a wire value as a JSON response; every successful answer goes through here.
enum JSONResponse {
    static func make(_ value: some JSONRepresentable, status: HTTPResponse.Status = .ok) -> Response {
        make(value.jsonValue, status: status)
    }

    /// One object, cut to the request's `_fields` (close-api.md §1.6: single GETs and POST/PUT responses).
    static func make(fieldsOf request: Request, _ value: some JSONRepresentable) -> Response {
        make(FieldSelection(request).apply(value.jsonValue))
    }

    /// As above, written without a tree (``JSONWritable``).
    static func make(fieldsOf request: Request, _ value: some JSONWritable) -> Response {
        var writer = JSONWriter(fields: FieldSelection(request).fields)
        value.write(to: &writer)
        return make(json: writer.bytes)
    }

    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        make(json: value.serialized(), status: status)
    }

    /// A body that is already JSON text.
    static func make(json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
