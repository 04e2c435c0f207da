import ClosrCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// A key is never written anywhere it could be read back: not in a log line at any level, not in the
/// database file.
@Suite struct SecretHandlingTests {
    @Test func theKeyNeverAppearsInTheLogsAtTraceLevel() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let organizationID = env.organizationID
        try await env.withApp { client in
            _ = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            _ = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.bearer(secret))
            _ = try await client.execute(uri: "/api/v1/me/?api_key=\(secret)", method: .get, headers: Credential.apiKeyHeader(secret))
            _ = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret + "x"))
            _ = try await client.execute(uri: "/api/v1/organization/\(organizationID)/", method: .put, headers: Credential.basic(secret))
        }
        let lines = env.logs.all
        // One line per request, with id, method, path and status, proves the log is really captured.
        #expect(lines.filter { $0.contains("GET /api/v1/me/ 200") && $0.contains("request_id=req_") }.count == 3)
        #expect(lines.contains { $0.contains("GET /api/v1/me/ 401") })
        for line in lines {
            #expect(!line.contains(secret))
            #expect(!line.contains(String(secret.dropFirst(6))))
        }
    }

    @Test func theKeyIsNotInTheDatabaseFileOnlyItsHash() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        try await env.withApp { client in
            // A used key has its last use flushed to the same table; check after that write too.
            _ = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            try await env.services.verifier.flushLastUsed()
        }
        let bytes = try env.databaseBytes()
        #expect(bytes.count > 0)
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
        #expect(bytes.range(of: Data(secret.dropFirst(12).utf8)) == nil)
        #expect(bytes.range(of: Data(APIKeySecret.hash(secret).utf8)) != nil)
    }
}
