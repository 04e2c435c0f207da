import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Which credentials open `/api/v1/me/` and which are refused, as a Close client sees it over HTTP.
@Suite struct AuthenticationTests {
    enum Scheme: String, CaseIterable {
        case basicEmptyPassword, basicWithPassword, bearer, xAPIKey
    }

    @Test(arguments: Scheme.allCases)
    func eachAcceptedSchemeAuthenticates(_ scheme: Scheme) async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let headers: HTTPFields = switch scheme {
        case .basicEmptyPassword: Credential.basic(secret)
        case .basicWithPassword: Credential.basic(secret, password: "ignored")
        case .bearer: Credential.bearer(secret)
        case .xAPIKey: Credential.apiKeyHeader(secret)
        }
        try await env.withApp { client in
            let response = try await client.execute(uri: "/api/v1/me/", method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.json["email"] as? String == "ada@example.com")
        }
    }

    static let rejected: [(String, HTTPFields, String)] = [
        ("no credential", [:], "Unauthorized: send your API key as the HTTP Basic username"),
        ("unknown well-formed key", Credential.basic("closr_" + String(repeating: "A", count: 43)), "Invalid API key"),
        ("wrong shape", Credential.basic("wrong"), "Invalid API key"),
        ("garbage Basic header", [.authorization: "Basic !!!not-base64"], "Unauthorized: the credential could not be read"),
        ("Basic without colon", [.authorization: "Basic " + Data("nocolon".utf8).base64EncodedString()], "Unauthorized: the credential could not be read"),
        ("empty Basic username and password", Credential.basic(""), "Unauthorized: the credential could not be read"),
        ("unknown scheme", [.authorization: "Digest abc"], "Unauthorized: the credential could not be read"),
        ("empty bearer", [.authorization: "Bearer "], "Unauthorized: the credential could not be read"),
        ("empty x-api-key", Credential.apiKeyHeader(" "), "Unauthorized: the credential could not be read"),
    ]

    @Test(arguments: 0..<rejected.count)
    func eachRejectedCredentialGets401JSON(_ index: Int) async throws {
        let (_, headers, message) = Self.rejected[index]
        let env = try await TestEnvironment.make()
        try await env.withApp { client in
            let response = try await client.execute(uri: "/api/v1/me/", method: .get, headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.json["error"] as? String == message)
        }
    }

    @Test func aRevokedKeyIsRefusedOnItsNextRequest() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let key = env.bootstrapKey.key
        try await env.withApp { client in
            let before = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            #expect(before.status == .ok)
            // Revoking through the API; the verifier's cache must not keep the key alive.
            let revoke = try await client.execute(uri: "/api/v1/api_key/\(key.id)/", method: .delete, headers: Credential.basic(secret))
            #expect(revoke.status == .ok)
            let after = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            #expect(after.status == .unauthorized)
            #expect(after.json["error"] as? String == "API key revoked")
        }
    }

    @Test func anExpiredKeyIsRefusedSayingSo() async throws {
        let env = try await TestEnvironment.make()
        let scope = OrgScope(organizationID: env.organizationID, store: env.store)
        // Far enough ahead that the first request comes before it on a loaded machine (2 s was not:
        // building the environment took longer once while the whole suite ran).
        let soon = CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + 6_000_000)
        let created = try await env.services.apiKeys.create(
            in: scope, userID: env.bootstrapKey.key.userID, label: "short-lived", expiresAt: soon,
            origin: RequestOrigin(userID: env.bootstrapKey.key.userID)
        )
        try await env.withApp { client in
            let fresh = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.bearer(created.secret))
            #expect(fresh.status == .ok)
            try await Task.sleep(until: .now + .milliseconds(Int((soon.microseconds - CloseTimestamp.now().microseconds) / 1000) + 100))
            let expired = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.bearer(created.secret))
            #expect(expired.status == .unauthorized)
            #expect(expired.json["error"] as? String == "API key expired")
        }
    }

    @Test func healthNeedsNoKey() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
        }
    }
}
