import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// Every failure answers with Close's JSON error shape and the right status — never a 500.
@Suite struct ErrorResponseTests {
    @Test func unknownPathIs404JSONWithOrWithoutAKey() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp { client in
            for headers in [HTTPFields(), Credential.basic(secret)] {
                let response = try await client.execute(uri: "/api/v1/no_such_thing/", method: .get, headers: headers)
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.json["error"] as? String == "Not found")
            }
            let root = try await client.execute(uri: "/nothing/here", method: .post)
            #expect(root.status == .notFound)
        }
    }

    /// The base URL says what it is and how to use it, instead of a 404.
    @Test func theRootSaysWhatThisIsAndHowToAuthenticate() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { client in
            let root = try await client.execute(uri: "/", method: .get)
            #expect(root.status == .ok)
            #expect(root.headers[.contentType] == "application/json")
            #expect(root.json["name"] as? String == "Closr")
            #expect(root.json["version"] as? String == ClosrVersion.current)
            #expect(root.json["api"] as? String == "/api/v1/")
            #expect((root.json["authentication"] as? String)?.contains("Basic") == true)
        }
    }

    @Test(arguments: [HTTPRequest.Method.post, .put, .patch, .delete])
    func wrongMethodIs405WithAllow(_ method: HTTPRequest.Method) async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp { client in
            let response = try await client.execute(uri: "/api/v1/me/", method: method, headers: Credential.basic(secret))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD")
            #expect((response.json["error"] as? String)?.hasPrefix("Method not allowed") == true)
        }
    }

    @Test func pathsWithoutTrailingSlashOrWithDoubleSlashesReachTheSameRoute() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp { client in
            for uri in ["/api/v1/me", "/api/v1/me/", "/api/v1//me/", "//api/v1/me"] {
                let response = try await client.execute(uri: uri, method: .get, headers: Credential.basic(secret))
                #expect(response.status == .ok, "\(uri)")
            }
        }
    }

    static let badBodies: [(name: String, contentType: String?, body: String, status: HTTPResponse.Status, error: String)] = [
        ("invalid JSON", "application/json", "{\"name\": ", .badRequest, "Invalid JSON in the request body"),
        ("JSON that is not an object", "application/json", "[1, 2]", .badRequest, "The request body must be a JSON object"),
        ("wrong field type", "application/json", "{\"name\": 5}", .badRequest, "Validation failed: name: Expected a string."),
        ("form body", "application/x-www-form-urlencoded", "name=x", .unsupportedMediaType,
         "Unsupported media type 'application/x-www-form-urlencoded': send the body as application/json"),
        ("text body", "text/plain", "hello", .unsupportedMediaType,
         "Unsupported media type 'text/plain': send the body as application/json"),
    ]

    @Test(arguments: 0..<badBodies.count)
    func badBodiesGetCloseErrors(_ index: Int) async throws {
        let bad = Self.badBodies[index]
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let organizationID = env.organizationID
        try await env.withApp { client in
            var headers = Credential.basic(secret)
            if let contentType = bad.contentType { headers[.contentType] = contentType }
            let response = try await client.execute(
                uri: "/api/v1/organization/\(organizationID)/", method: .put, headers: headers,
                body: ByteBuffer(string: bad.body)
            )
            #expect(response.status == bad.status, "\(bad.name)")
            #expect(response.json["error"] as? String == bad.error, "\(bad.name)")
            if bad.status == .badRequest {
                #expect(response.json["errors"] as? [String] == [], "\(bad.name)")
                #expect(response.json["field-errors"] is [String: Any], "\(bad.name)")
            }
        }
    }

    @Test func bodyOverOneMebibyteIs413() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let organizationID = env.organizationID
        try await env.withApp(.live) { client in
            var headers = Credential.basic(secret)
            headers[.contentType] = "application/json"
            let big = "{\"name\": \"" + String(repeating: "a", count: (1 << 20) + 10) + "\"}"
            let response = try await client.execute(
                uri: "/api/v1/organization/\(organizationID)/", method: .put, headers: headers, body: ByteBuffer(string: big)
            )
            #expect(response.status == .contentTooLarge)
            #expect(response.json["error"] as? String == "Request body too large: the limit is 1048576 bytes")
        }
    }

    @Test func aBodyJustUnderTheLimitIsAccepted() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let organizationID = env.organizationID
        try await env.withApp { client in
            var headers = Credential.basic(secret)
            headers[.contentType] = "application/json; charset=utf-8"
            let padding = String(repeating: " ", count: (1 << 20) - 40)
            let response = try await client.execute(
                uri: "/api/v1/organization/\(organizationID)/", method: .put, headers: headers,
                body: ByteBuffer(string: "{\"name\": \"Acme\"\(padding)}")
            )
            #expect(response.status == .ok)
            #expect(response.json["name"] as? String == "Acme")
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { client in
            let response = try await client.execute(uri: "/api/v1/me/", method: .get)
            #expect(response.headers[HTTPField.Name("X-Request-ID")!]?.hasPrefix("req_") == true)
        }
    }
}
