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

/// Fixed-window request counts per API key, kept in this process (DESIGN.md: rate-limit buckets are
/// per node). Windows are aligned to multiples of the window length, so `reset` is exact.
final class RateLimiter: Sendable {
    struct Decision: Sendable {
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

    /// Counts one request for `key` at `now` and says whether it may go ahead.
    func admit(key: String, now: CloseTimestamp) -> Decision {
        let windowMicros = Int64(policy.windowSeconds) * 1_000_000
        let start = now.microseconds - now.microseconds % windowMicros
        let count = windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == start } }
            var window = windows[key] ?? Window(start: start, count: 0)
            if window.start != start { window = Window(start: start, count: 0) }
            window.count += 1
            windows[key] = window
            return window.count
        }
        let reset = max(1, Int((start + windowMicros - now.microseconds + 999_999) / 1_000_000))
        return Decision(
            allowed: count <= policy.limit, limit: policy.limit, remaining: max(0, policy.limit - count),
            resetSeconds: reset, windowSeconds: policy.windowSeconds
        )
    }
}
