import ArgumentParser
import ClosrCore
import ClosrServer
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `closr serve`: migrates the database, creates the first organization on first start (printing its
/// API key once), and serves the API until SIGINT or SIGTERM, then finishes in-flight requests.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the Closr API server."
    )

    @Option(help: "Address to listen on. Environment: CLOSR_HOST. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on. Environment: CLOSR_PORT. Default: 8080.")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Name of the organization created on first start (default: My Organization).")
    var orgName: String?

    @Option(help: "Email of the admin user created on first start (default: admin@example.com).")
    var adminEmail: String?

    @Option(name: .customLong("trusted-proxy"), help: "IP of a proxy whose X-Forwarded-For is believed (repeatable).")
    var trustedProxies: [String] = []

    @Option(help: "Requests per window per API key, as N/SECONDS (default 1000/10), or off.")
    var rateLimit = "1000/10"

    @Option(help: "Inbound posts and tracker page views per window per API key, as N/SECONDS (default 1200/60), or off.")
    var inboundRateLimit = "1200/60"

    @Option(help: "How many closr serve nodes share the database behind one balancer; each node enforces its share of --rate-limit (default 1).")
    var nodes = 1

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Flag(help: "Allow webhooks to loopback, private and link-local addresses (refused by default).")
    var allowPrivateWebhooks = false

    @Option(help: ArgumentHelp(
        "File holding the server's secret key, which seals webhook signing keys; created on first start. Every node of one database needs the same file. Environment: CLOSR_SECRET_KEY_FILE. Default: secret.key beside an SQLite database, else ./closr-data/secret.key.",
        valueName: "path"
    ))
    var secretKeyFile: String?

    @Option(help: "Days the event log keeps events (default 30, as Close); 0 keeps them for good. API keys' audit events are always kept.")
    var eventRetentionDays = 30

    @Option(help: .hidden) var webhookFirstRetrySeconds: Double?
    @Option(help: .hidden) var webhookLeaseSeconds: Double?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["CLOSR_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["CLOSR_PORT"].map { Int($0) ?? -1 } ?? 8080
        guard (0...65535).contains(port) else {
            throw ValidationError("The port must be a number from 0 to 65535.")
        }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("Unknown log level '\(logLevel)'.") }
        let logger = CLILogging.logger(level: level)
        guard nodes >= 1 else { throw ValidationError("--nodes takes a whole number of at least 1.") }
        let rateLimitPolicy = RateLimitPolicy(parsing: rateLimit)?.share(ofNodes: nodes)
        guard rateLimitPolicy != nil || rateLimit == "off" else {
            throw ValidationError("--rate-limit takes N/SECONDS, such as 1000/10, or off.")
        }
        let inboundPolicy = RateLimitPolicy(parsing: inboundRateLimit)?.share(ofNodes: nodes)
        guard inboundPolicy != nil || inboundRateLimit == "off" else {
            throw ValidationError("--inbound-rate-limit takes N/SECONDS, such as 1200/60, or off.")
        }

        let (databaseURL, store, created, sealer) = try await CommandFailure.reported {
            let databaseURL = try database.resolved()
            let keyFile = secretKeyFile ?? environment["CLOSR_SECRET_KEY_FILE"] ?? databaseURL.defaultSecretKeyFile
            let sealer = try SecretSealer.loading(keyFile: keyFile)
            let store = try await StoreFactory.open(databaseURL)
            do {
                let created = try await AccountProvisioning(store: store).runIfEmpty(
                    organizationName: orgName ?? Self.defaultOrgName, adminEmail: adminEmail ?? Self.defaultAdminEmail
                )
                return (databaseURL, store, created, sealer)
            } catch {
                try? await store.close()
                throw error
            }
        }
        if let created {
            // The only time this secret is ever shown: stdout, so it can be captured; guidance on stderr.
            CLILogging.note("First start: created organization '\(orgName ?? Self.defaultOrgName)' with admin \(adminEmail ?? Self.defaultAdminEmail).")
            CLILogging.note("Save this API key and the admin's console password now; neither will be shown again.")
            CLIOutput.line("API key: \(created.secret)")
            let password = ConsolePasswords.generate()
            try await CommandFailure.reported { try await ConsolePasswords(store: store).set(userID: created.key.userID, password: password) }
            CLIOutput.line("Password: \(password)")
            CLILogging.note("Sign in to the console at http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/ as \(adminEmail ?? Self.defaultAdminEmail); change the password with `closr users set-password EMAIL`.")
        } else if orgName != nil || adminEmail != nil {
            CLILogging.note(
                "closr: --org-name and --admin-email only apply to a new database; this one already has an organization, so they were ignored."
            )
        }
        var config = AppConfig(host: host, port: port, trustedProxies: Set(trustedProxies), rateLimit: rateLimitPolicy, logger: logger)
        guard (0...36_500).contains(eventRetentionDays) else { throw ValidationError("--event-retention-days takes a whole number of days up to 36500, 0 to keep events for good.") }
        config.eventRetention = eventRetentionDays == 0 ? nil : .seconds(eventRetentionDays * 86_400)
        config.inboundRateLimit = inboundPolicy
        // Tuning for tests and operators who need faster retries; Close's timings otherwise.
        for seconds in [webhookFirstRetrySeconds, webhookLeaseSeconds].compactMap({ $0 }) where !(0.01...86_400).contains(seconds) {
            throw ValidationError("Webhook timings take seconds from 0.01 to 86400, not \(seconds).")
        }
        if let seconds = webhookFirstRetrySeconds { config.webhooks.firstRetry = .milliseconds(Int(seconds * 1000)) }
        if let seconds = webhookLeaseSeconds { config.webhooks.lease = .milliseconds(Int(seconds * 1000)) }
        let app = buildApplication(
            config,
            services: CoreServices(store: store, sealer: sealer, webhookAddresses: WebhookAddressPolicy(allowPrivate: allowPrivateWebhooks))
        )
        // "Starting": the port is bound inside `runService`, which logs "listening" once it is.
        logger.notice("Closr starting on http://\(host):\(port) (\(databaseURL))")
        do {
            try await app.runService()
        } catch {
            try? await store.close()
            if let reason = Self.listenFailure(error, host: host, port: port) {
                CLILogging.note("closr: \(reason)")
                throw ExitCode.failure
            }
            throw error
        }
        try await store.close()
        logger.notice("Closr stopped")
    }

    static let defaultOrgName = "My Organization"
    static let defaultAdminEmail = "admin@example.com"

    /// What a failure to bind the address means to an operator, in one line, or nil if `error` is
    /// something else (an I/O error with another code need not come from binding, so it is not called one).
    static func listenFailure(_ error: any Error, host: String, port: Int) -> String? {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE: return "port \(port) on \(host) is in use (another server?) — choose another with --port"
        case EACCES: return "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges) — choose another with --port"
        case EADDRNOTAVAIL: return "cannot listen on \(host):\(port): that address does not belong to this machine — choose another with --host"
        default: return nil
        }
    }
}
