import Synchronization

/// Runs the work of one key at a time in this process, in arrival order; different keys run at once.
///
/// Inbound posts of one email address are serialised with it, so that a double-clicked submit (two posts
/// of the same form within milliseconds) finds the lead the first one made instead of making a second:
/// both would otherwise look the email up before either had committed. Several nodes on one PostgreSQL
/// each serialise their own posts only; see the README.
final class KeyedSerializer: Sendable {
    /// Keys being worked on, each with the callers waiting for it.
    private let queues = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func run<T>(key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        let free = queues.withLock { queues in
            guard queues[key] == nil else { return false }
            queues[key] = []
            return true
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let releasedMeanwhile = queues.withLock { queues in
                guard queues[key] != nil else {
                    queues[key] = []
                    return true
                }
                queues[key]!.append(continuation)
                return false
            }
            if releasedMeanwhile { continuation.resume() }
        }
    }

    /// Hands the key to the next waiter, or frees it.
    private func release(_ key: String) {
        let next = queues.withLock { queues -> CheckedContinuation<Void, Never>? in
            guard var waiting = queues[key], !waiting.isEmpty else {
                queues[key] = nil
                return nil
            }
            let first = waiting.removeFirst()
            queues[key] = waiting
            return first
        }
        next?.resume()
    }
}
