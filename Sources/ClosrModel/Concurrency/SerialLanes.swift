import Synchronization

/// Runs the work of one key at a time, in arrival order; work of different keys runs at once.
///
/// Three uses: bounded reads (searches) share a few threads (SQLite) or connections (PostgreSQL) between
/// every tenant, and one lane per organization keeps one organization's slow searches queued behind
/// each other, leaving the rest of the capacity to everyone else; inbound posts of one email address
/// run one at a time (ClosrCore's `InboundIntake`), so that a double-clicked submit finds the lead the
/// first post made instead of making a second; and the MCP tool `create_address` reads a lead's addresses
/// and writes them back with one more (Close's API has no append), one lead's at a time, so an agent's
/// parallel calls keep every address. Here in ClosrModel because both ClosrCore and ClosrMCP use it.
public final class SerialLanes: Sendable {
    /// Busy lanes by key, with the work waiting on each; a key absent is a free lane.
    private let busy = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    public func withLane<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
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
