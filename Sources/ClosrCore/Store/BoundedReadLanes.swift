import Synchronization

/// One bounded read (a search) at a time per organization, the others of that organization waiting
/// their turn in arrival order.
///
/// Bounded reads share a few threads (SQLite) or a few connections (PostgreSQL) between every tenant.
/// Without lanes, one organization sending slow searches side by side took all of them, and another
/// organization's requests waited or shared the cores with them; with lanes, an organization's slow
/// searches queue behind each other and the rest of the capacity stays free for everyone else.
final class BoundedReadLanes: Sendable {
    /// Busy lanes by key, with the reads waiting on each; a key absent is a free lane.
    private let busy = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func withLane<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = busy.withLock { busy -> Bool in
                guard busy[key] != nil else {
                    busy[key] = []
                    return true
                }
                busy[key]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = busy.withLock { busy -> CheckedContinuation<Void, Never>? in
            guard var waiting = busy[key], !waiting.isEmpty else {
                busy[key] = nil
                return nil
            }
            let next = waiting.removeFirst()
            busy[key] = waiting
            return next
        }
        next?.resume()
    }
}
