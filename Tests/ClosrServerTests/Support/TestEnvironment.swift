import ClosrCore
import ClosrModel
import ClosrServer
import ClosrTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A real, fresh database of the run's dialect (an SQLite file in a temporary folder, or a PostgreSQL
/// schema of its own), bootstrapped like a first `closr serve`, with the application built exactly as
/// the CLI builds it and every log line captured at trace level.
struct TestEnvironment {
    let database: DatabaseURL
    let services: CoreServices
    var store: any Store { services.store }
    let bootstrapKey: CreatedAPIKey
    let logs: CapturedLogs
    let config: AppConfig

    static func make(
        trustedProxies: Set<String> = [], rateLimit: RateLimitPolicy? = nil, searchDeadline: Duration = LeadService.defaultSearchDeadline,
        searchDriverCapacity: Int = LeadSearchDriver.defaultCapacity, allowPrivateWebhooks: Bool = false,
        webhooks: WebhookDeliveryPolicy = WebhookDeliveryPolicy(), inboundRateLimit: RateLimitPolicy? = .inboundDefault
    ) async throws -> TestEnvironment {
        let database = try TestDatabase.fresh()
        let store = try await StoreFactory.open(database)
        let created = try await AccountProvisioning(store: store)
            .runIfEmpty(organizationName: "Acme Sales", adminEmail: "ada@example.com")
        guard let created else { throw TestSetupError.bootstrapDidNothing }
        let logs = CapturedLogs()
        var logger = Logger(label: "closr-test") { label in CapturingLogHandler(label: label, logs: logs) }
        logger.logLevel = .trace
        var config = AppConfig(trustedProxies: trustedProxies, rateLimit: rateLimit, logger: logger)
        config.webhooks = webhooks
        config.inboundRateLimit = inboundRateLimit
        let services = CoreServices(
            store: store, searchDeadline: searchDeadline, searchDriverCapacity: searchDriverCapacity,
            webhookAddresses: WebhookAddressPolicy(allowPrivate: allowPrivateWebhooks),
            // bcrypt's lowest cost: console tests sign in many times, and the cost is not what they test.
            passwordCost: 4
        )
        return TestEnvironment(database: database, services: services, bootstrapKey: created, logs: logs, config: config)
    }

    var secret: String { bootstrapKey.secret }
    var organizationID: String { bootstrapKey.key.organizationID }

    /// Runs `test` against the application over HummingbirdTesting's router client, then closes the store.
    func withApp(_ setup: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(config, services: services)
        do {
            try await app.test(setup) { client in try await test(client) }
        } catch {
            try? await close()
            throw error
        }
        try await close()
    }

    func close() async throws {
        try await store.close()
    }

    /// Every byte of the database: for SQLite the main file and its write-ahead log; for PostgreSQL
    /// everything `pg_dump` writes out of this test's schema.
    func databaseBytes() throws -> Data {
        switch database {
        case .sqlite(let databasePath):
            var data = Data()
            for suffix in ["", "-wal", "-shm"] {
                let path = databasePath + suffix
                if FileManager.default.fileExists(atPath: path) {
                    data.append(try Data(contentsOf: URL(fileURLWithPath: path)))
                }
            }
            return data
        case .postgres(let url):
            let components = URLComponents(string: url)
            let schema = components?.queryItems?.first { $0.name == "schema" }?.value ?? "public"
            var plain = components
            plain?.queryItems = nil
            let dump = Process()
            dump.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            dump.arguments = ["pg_dump", "--schema=\(schema)", "--dbname=\(plain?.string ?? url)"]
            let output = Pipe()
            dump.standardOutput = output
            try dump.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            dump.waitUntilExit()
            guard dump.terminationStatus == 0, !data.isEmpty else { throw TestSetupError.dumpFailed }
            return data
        }
    }
}

extension TestClientProtocol {
    /// A request with a JSON body and the given key as Close's clients send it.
    func json(_ method: HTTPRequest.Method, _ uri: String, key: String?, _ body: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = key.map { Credential.basic($0) } ?? HTTPFields()
        if body != nil { headers[.contentType] = "application/json" }
        for field in extra { headers[field.name] = field.value }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

enum TestSetupError: Error {
    case bootstrapDidNothing
    case dumpFailed
}

/// Headers for each way a key can be presented.
enum Credential {
    static func basic(_ username: String, password: String = "") -> HTTPFields {
        let token = Data("\(username):\(password)".utf8).base64EncodedString()
        return [.authorization: "Basic \(token)"]
    }

    static func bearer(_ key: String) -> HTTPFields {
        [.authorization: "Bearer \(key)"]
    }

    static func apiKeyHeader(_ key: String) -> HTTPFields {
        [HTTPField.Name("x-api-key")!: key]
    }
}

extension TestResponse {
    /// The body parsed as a JSON object; an empty dictionary when it is not one.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }
}

extension TestEnvironment {
    /// A member of the bootstrap organization with the given role, and a full key of theirs.
    func member(email: String, role: String) async throws -> (userID: String, secret: String) {
        let userID = try await AccountProvisioning(store: store)
            .addMember(organizationID: organizationID, email: email, role: role)
        let created = try await services.apiKeys.create(
            in: OrgScope(organizationID: organizationID, store: store), userID: userID, label: "\(role) key",
            origin: RequestOrigin(userID: userID)
        )
        return (userID, created.secret)
    }

    /// Another organization with its own admin and key.
    func otherOrganization() async throws -> CreatedAPIKey {
        try await AccountProvisioning(store: store).createOrganization(name: "Rival Inc", adminEmail: "rival@example.com")
    }
}
