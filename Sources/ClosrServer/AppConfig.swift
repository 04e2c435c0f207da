import ClosrCore
import Logging

/// Everything `buildApplication` needs, as a plain value: the CLI fills it from flags and the
/// environment, tests fill it directly, and both get the same application.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Proxies whose `X-Forwarded-For` is believed when recording a key's last-used IP.
    public var trustedProxies: Set<String>
    /// Requests per window per API key; nil turns rate limiting off.
    public var rateLimit: RateLimitPolicy?
    /// Where request lines and errors go; never receives a secret.
    public var logger: Logger
    /// How webhook deliveries are sent and retried.
    public var webhooks = WebhookDeliveryPolicy()
    /// How long the event log keeps events (Close: 30 days); nil keeps them for good.
    public var eventRetention: Duration? = EventRetention.defaultPeriod
    /// Inbound posts and tracker page views per window per API key (`--inbound-rate-limit`), counted
    /// apart from the API's limit; nil turns it off.
    public var inboundRateLimit: RateLimitPolicy? = .inboundDefault

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 1 << 20,
        trustedProxies: Set<String> = [],
        rateLimit: RateLimitPolicy? = .default,
        logger: Logger = Logger(label: "closr")
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.trustedProxies = trustedProxies
        self.rateLimit = rateLimit
        self.logger = logger
    }
}
