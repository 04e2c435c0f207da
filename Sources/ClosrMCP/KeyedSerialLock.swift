import Synchronization

/// Runs closures one at a time per key (a lead id), others at once: a read-modify-write through the API
/// (`create_address` reads the lead's addresses and writes them back with one more) must not interleave
/// with another of the same lead, or one address is lost. It serializes the calls of this process — the
/// parallel tool calls an agent makes through one MCP server; Close's API has no atomic address append
/// that would also cover two processes writing one lead at the same instant.
final class KeyedSerialLock: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func run<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = waiting.withLock { waiting -> Bool in
                if var queue = waiting[key] {
                    queue.append(continuation)
                    waiting[key] = queue
                    return false
                }
                waiting[key] = []
                return true
            }
            if proceed { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[key], !queue.isEmpty else {
                waiting[key] = nil
                return nil
            }
            let first = queue.removeFirst()
            waiting[key] = queue
            return first
        }
        next?.resume()
    }
}
