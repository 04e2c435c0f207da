import Foundation
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// What the HTTP parser refuses still gets Close's JSON error body, at once: the official client calls
/// `response.json()` on every 400.
@Suite struct HTTPLayerErrorTests {
    static let malformed: [(name: String, request: String)] = [
        ("lowercase method", "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("unknown method", "FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("HTTP/0.9 request line", "GET /healthz\r\n\r\n"),
        ("HTTP/2.0 request line", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"),
        ("HTTP/9.9 request line", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("NUL in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n"),
        ("CR in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
        ("folded header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
        ("header over 80 KB", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: \(String(repeating: "a", count: 90_000))\r\n\r\n"),
        ("URL over 80 KB", "GET /healthz?\(String(repeating: "a", count: 90_000)) HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("Content-Length with Transfer-Encoding",
         "POST /api/v1/lead/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
    ]

    @Test(arguments: 0..<malformed.count)
    func aRequestTheParserRefusesGetsA400WithCloseJSON(_ index: Int) async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { client in
            let response = try await RawHTTP.exchange(port: client.port!, Self.malformed[index].request)
            #expect(response.status == 400, "\(Self.malformed[index].name): \(response.text.prefix(200))")
            let body = try JSONSerialization.jsonObject(with: Data(response.lastBody.utf8)) as? [String: Any]
            #expect((body?["error"] as? String)?.hasPrefix("Malformed HTTP request") == true, "\(Self.malformed[index].name)")
            #expect(response.text.contains("Content-Type: application/json"))
        }
    }

    @Test func connectGetsA405WithCloseJSONAndTheConnectionCloses() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { client in
            let response = try await RawHTTP.exchange(port: client.port!, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n")
            #expect(response.status == 405)
            let body = try JSONSerialization.jsonObject(with: Data(response.lastBody.utf8)) as? [String: Any]
            #expect((body?["error"] as? String)?.contains("CONNECT") == true)
        }
    }

    @Test func aBadRequestAfterAGoodPipelinedOneIsAnsweredInOrder() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { client in
            let response = try await RawHTTP.exchange(
                port: client.port!, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nget / HTTP/1.1\r\n\r\n"
            )
            #expect(response.statuses == [200, 200, 400])
            #expect(response.lastBody.contains("Malformed HTTP request"))
        }
    }

    /// A chunk announced past the body limit is refused at once (413), like a Content-Length past it —
    /// it used to be waited on until the client left; chunked bodies within the limit, pipelined
    /// requests and chunk extensions still work.
    @Test func aChunkDeclaredPastTheLimitIsA413AtOnce() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp(.live) { client in
            let auth = Credential.basic(secret)[.authorization]!
            let head = "POST /api/v1/lead/ HTTP/1.1\r\nHost: x\r\nAuthorization: \(auth)\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            // A size past 64 bits is malformed to the decoder (400); the others are sizes past the limit (413).
            for (declared, status, error) in [("7FFFFFFFFFFFFFFF", 413, "Request body too large"), ("100001", 413, "Request body too large"),
                                              ("FFFFFFFFFFFFFFFFFFFF", 400, "Malformed HTTP request")] {
                // Nothing more is sent after the first bytes of the chunk: the answer must not wait for them.
                let response = try await RawHTTP.exchange(port: client.port!, head + "\(declared)\r\n{\"na", seconds: 5)
                #expect(response.status == status, "\(declared): \(response.text.prefix(300))")
                #expect(response.lastBody.contains(error), "\(declared)")
            }
            // The sizes add up: two chunks of 600 KB are past a 1 MiB limit too.
            let two = try await RawHTTP.exchange(port: client.port!, head + "96000\r\n" + String(repeating: "a", count: 0x96000) + "\r\n96000\r\n", seconds: 5)
            #expect(two.status == 413)

            let lead = #"{"name": "Chunked Co"}"#
            let chunked = head + "5;ext=1\r\n" + String(lead.prefix(5)) + "\r\n\(String(lead.count - 5, radix: 16))\r\n" + String(lead.dropFirst(5)) + "\r\n0\r\n\r\n"
            let pipelined = chunked + "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            let response = try await RawHTTP.exchange(port: client.port!, pipelined, seconds: 5)
            #expect(response.statuses == [200, 200], "\(response.text.prefix(400))")
            #expect(response.text.contains("Chunked Co"))
        }
    }

    static let badBodies: [(name: String, framing: String, body: String)] = [
        ("chunk size that is not hex", "Transfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n"),
        ("chunk without its CRLF", "Transfer-Encoding: chunked", "2\r\n{}XX0\r\n\r\n"),
        ("Transfer-Encoding gzip", "Transfer-Encoding: gzip", "{}"),
    ]

    @Test(arguments: 0..<badBodies.count)
    func aMalformedBodyIsA400AndCreatesNothing(_ index: Int) async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp(.live) { client in
            let (name, framing, body) = Self.badBodies[index]
            let auth = Credential.basic(secret)[.authorization]!
            let response = try await RawHTTP.exchange(
                port: client.port!,
                "POST /api/v1/lead/ HTTP/1.1\r\nHost: x\r\nAuthorization: \(auth)\r\nContent-Type: application/json\r\n\(framing)\r\n\r\n\(body)"
            )
            #expect(response.status == 400, "\(name): \(response.text.prefix(300))")
            #expect(response.lastBody.contains("Malformed HTTP request"), "\(name)")
            let leads = try await client.json(.get, "/api/v1/lead/", key: secret)
            #expect(leads.json["total_results"] as? Int == 0, "\(name)")
        }
    }
}
