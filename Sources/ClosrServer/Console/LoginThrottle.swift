import Synchronization

/// Slows password guessing: after `limit` sign-in attempts for one email, or `limit * 4` from one IP, in a
/// window, sign-in for it is refused until the window passes — whether or not the email has an account,
/// so the refusal says nothing about which emails exist. A successful sign-in gives the email's attempts
/// back. Counts are per node, like rate limits.
final class LoginThrottle: Sendable {
    let limit: Int
    let window: Duration
    private let attempts = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int = 5, window: Duration = .seconds(15 * 60)) {
        self.limit = limit
        self.window = window
    }

    /// Takes one attempt for the email and the IP, counted before the password is checked, so a burst of
    /// parallel attempts is held to the limit too. Returns the seconds to wait when either is used up
    /// (and takes nothing then); nil when the attempt may go ahead.
    func reserve(email: String, ip: String?, now: ContinuousClock.Instant = .now) -> Int? {
        attempts.withLock { attempts in
            if attempts.count > 100_000 {
                // Bounded memory under a flood: forget what has expired.
                attempts = attempts.filter { _, times in times.contains { now - $0 < window } }
            }
            var longest: Duration?
            let keys = keys(email: email, ip: ip)
            for (key, allowed) in keys {
                let recent = (attempts[key] ?? []).filter { now - $0 < window }
                attempts[key] = recent.isEmpty ? nil : recent
                if recent.count >= allowed, let oldest = recent.first {
                    longest = max(longest ?? .zero, window - (now - oldest))
                }
            }
            if let longest { return max(1, Int(longest.components.seconds) + 1) }
            for (key, _) in keys { attempts[key, default: []].append(now) }
            return nil
        }
    }

    /// A sign-in that succeeded gives its attempt back: the email's count starts again, and the address
    /// keeps only its failures (an office of twenty people signing in is not an attack).
    func recordSuccess(email: String, ip: String?) {
        attempts.withLock { attempts in
            attempts["email:" + email.lowercased()] = nil
            if let ip, var times = attempts["ip:" + ip], !times.isEmpty {
                times.removeLast()
                attempts["ip:" + ip] = times.isEmpty ? nil : times
            }
        }
    }

    private func keys(email: String, ip: String?) -> [(String, Int)] {
        [("email:" + email.lowercased(), limit)] + (ip.map { [("ip:" + $0, limit * 4)] } ?? [])
    }
}
