import ClosrModel
import Synchronization

/// How many requests one API key may make per window; `closr serve --rate-limit N/SECONDS`.
public struct RateLimitPolicy: Sendable, Equatable {
    public let limit: Int
    public let windowSeconds: Int

    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// 1,000 requests per 10 seconds: about 100 a second sustained, like Close's busiest endpoint groups.
    public static let `default` = RateLimitPolicy(limit: 1000, windowSeconds: 10)

    /// 1,200 inbound posts and page views a minute per key: 20 a second, a busy site's forms and
    /// tracker, while a script replaying one page's key is held to it.
    public static let inboundDefault = RateLimitPolicy(limit: 1200, windowSeconds: 60)

    /// Parses `N/SECONDS` (`1000/10`), or `off` for no limit.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let limit = Int(parts[0]), let window = Int(parts[1]), limit > 0, window > 0 else {
            return nil
        }
        self.init(limit: limit, windowSeconds: window)
    }

    /// One node's share of the limit when `nodes` nodes serve behind one balancer: buckets are kept per
    /// node (no request waits on another node), so each node admits `limit / nodes`, and a balancer
    /// that spreads requests evenly (round robin, least connections) holds the whole to the limit.
    public func share(ofNodes nodes: Int) -> RateLimitPolicy {
        RateLimitPolicy(limit: max(1, limit / max(1, nodes)), windowSeconds: windowSeconds)
    }
}

/// Fixed-window request counts per API key and per organization, kept in this process (DESIGN.md:
/// rate-limit buckets are per node). Windows are aligned to multiples of the window length, so `reset`
/// is exact.
///
/// As Close's, an organization may make three times one key's limit (close-api-more.md, rate limits):
/// ten keys of one organization no longer get ten times the traffic. A request its key's limit
/// refuses is not counted against the organization, so one runaway key cannot use up its teammates'
/// share on requests that were refused anyway.
final class RateLimiter: Sendable {
    /// The organization's limit as a multiple of one key's.
    static let organizationMultiple = 3

    struct Decision: Sendable {
        /// `key` or `organization`: the limit these figures are of.
        let type: String
        let allowed: Bool
        let limit: Int
        let remaining: Int
        /// Whole seconds until the window resets, at least 1 (closeio's header regex wants digits).
        let resetSeconds: Int
        let windowSeconds: Int
    }

    private struct Window {
        var start: Int64
        var count: Int
    }

    let policy: RateLimitPolicy
    private let windows = Mutex<[String: Window]>([:])

    init(policy: RateLimitPolicy) {
        self.policy = policy
    }

    /// Counts one request of `key`, a key of `organization`, at `now`, and says whether it may go ahead,
    /// with the figures of the limit that is nearer (or was exceeded).
    func admit(key: String, organization: String, now: CloseTimestamp) -> Decision {
        let byKey = count("key:" + key, type: "key", limit: policy.limit, now: now)
        guard byKey.allowed else { return byKey }
        let byOrganization = count(
            "organization:" + organization, type: "organization", limit: policy.limit * Self.organizationMultiple, now: now
        )
        guard byOrganization.allowed else { return byOrganization }
        return byKey.remaining <= byOrganization.remaining ? byKey : byOrganization
    }

    private func count(_ bucket: String, type: String, limit: Int, now: CloseTimestamp) -> Decision {
        let windowMicros = Int64(policy.windowSeconds) * 1_000_000
        let start = now.microseconds - now.microseconds % windowMicros
        let count = windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == start } }
            var window = windows[bucket] ?? Window(start: start, count: 0)
            if window.start != start { window = Window(start: start, count: 0) }
            window.count += 1
            windows[bucket] = window
            return window.count
        }
        let reset = max(1, Int((start + windowMicros - now.microseconds + 999_999) / 1_000_000))
        return Decision(
            type: type, allowed: count <= limit, limit: limit, remaining: max(0, limit - count),
            resetSeconds: reset, windowSeconds: policy.windowSeconds
        )
    }
}
