import Synchronization

/// Slows password guessing: after `limit` failed sign-ins for one email, or `limit * 4` from one IP, in a
/// window, sign-in for it is refused until the window passes — whether or not the email has an account,
/// so the refusal says nothing about which emails exist. Counts are per node, like rate limits.
final class LoginThrottle: Sendable {
    let limit: Int
    let window: Duration
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int = 5, window: Duration = .seconds(15 * 60)) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until the email (and IP) may try again; nil when it may now.
    func wait(email: String, ip: String?, now: ContinuousClock.Instant = .now) -> Int? {
        failures.withLock { failures in
            var longest: Duration?
            for (key, allowed) in keys(email: email, ip: ip) {
                let recent = (failures[key] ?? []).filter { now - $0 < window }
                failures[key] = recent.isEmpty ? nil : recent
                if recent.count >= allowed, let oldest = recent.first {
                    let wait = window - (now - oldest)
                    longest = max(longest ?? .zero, wait)
                }
            }
            return longest.map { max(1, Int($0.components.seconds) + 1) }
        }
    }

    func recordFailure(email: String, ip: String?, now: ContinuousClock.Instant = .now) {
        failures.withLock { failures in
            if failures.count > 100_000 { failures.removeAll() }  // bounded memory under a flood
            for (key, _) in keys(email: email, ip: ip) { failures[key, default: []].append(now) }
        }
    }

    func recordSuccess(email: String) {
        failures.withLock { $0["email:" + email.lowercased()] = nil }
    }

    private func keys(email: String, ip: String?) -> [(String, Int)] {
        [("email:" + email.lowercased(), limit)] + (ip.map { [("ip:" + $0, limit * 4)] } ?? [])
    }
}
