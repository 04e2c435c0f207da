/// How webhook deliveries are made and retried (close-api-more.md §D): connect within 5 s, answer within
/// 15 s; retries back off exponentially (with jitter) up to every 20 minutes for 72 hours, then the
/// delivery is dropped; a subscription whose deliveries have all failed for 3 days is paused.
public struct WebhookDeliveryPolicy: Sendable {
    public var connectTimeout: Duration = .seconds(5)
    public var responseTimeout: Duration = .seconds(15)
    public var firstRetry: Duration = .seconds(10)
    public var longestRetry: Duration = .seconds(20 * 60)
    public var giveUpAfter: Duration = .seconds(72 * 3600)
    public var pauseAfter: Duration = .seconds(3 * 86_400)
    /// How long a claimed delivery is kept from other claims while it is sent (longer than the timeouts).
    public var lease: Duration = .seconds(60)
    /// How often an idle dispatcher looks for due deliveries.
    public var pollInterval: Duration = .milliseconds(100)
    /// Deliveries sent at once by one node.
    public var batchSize = 32
    /// While the node is serving requests: deliveries sent at once, and the pause after each batch.
    public var busyBatchSize = 8
    public var busyPause: Duration = .milliseconds(200)
    /// Past this wait, deliveries go at full speed even while requests are in flight.
    public var longestBusyLag: Duration = .seconds(60)

    public init() {}

    /// The wait before attempt `attempts + 1`: first retry × 2^(attempts − 1), at most the longest,
    /// spread ±20 % so that subscriptions failing together do not retry together.
    func retryDelay(afterAttempts attempts: Int) -> Duration {
        let base = Double(firstRetry.components.seconds) + Double(firstRetry.components.attoseconds) / 1e18
        let cap = Double(longestRetry.components.seconds)
        let delay = min(cap, base * pow2(max(0, attempts - 1)))
        return .milliseconds(Int(delay * Double.random(in: 0.8...1.2) * 1000))
    }

    private func pow2(_ exponent: Int) -> Double { exponent >= 60 ? .greatestFiniteMagnitude : Double(1 << exponent) }
}
