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
