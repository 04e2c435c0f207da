import Synchronization

/// Shares one database read among the callers that wait for it together, without ever handing a caller
/// a reading older than its own call.
///
/// Every authenticated request on PostgreSQL reads `closr_versions`, so that a key revoked through
/// another node is refused on this node's next request (DESIGN.md "Many nodes"). One round trip per
/// request made that read most of `/me/`'s cost: 32 concurrent requests meant 32 identical statements.
/// Here callers queue for the *next* read: a read takes the callers queued so far and only then goes to
/// the database, so everything it returns was committed no earlier than when each of its callers
/// arrived — the same freshness as a read of one's own. Callers arriving while a read is in flight wait
/// for the one after it (the read in flight may have been sent before they arrived). One read runs at a
/// time; under load each carries every request that arrived during the previous one.
final class FreshReadCoalescer<Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Value, any Error>
    private struct State {
        var queued: [Waiter] = []
        var reading = false
    }

    private let state = Mutex(State())
    private let read: @Sendable () async throws -> Value

    init(_ read: @escaping @Sendable () async throws -> Value) {
        self.read = read
    }

    /// A value read after this call began.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let startReader = state.withLock { state in
                state.queued.append(waiter)
                defer { state.reading = true }
                return !state.reading
            }
            if startReader { Task { await self.readWhileQueued() } }
        }
    }

    /// Reads for the queued callers, then for those who queued meanwhile, until nobody waits.
    private func readWhileQueued() async {
        while true {
            let batch = state.withLock { state in
                defer { state.queued = [] }
                if state.queued.isEmpty { state.reading = false }
                return state.queued
            }
            if batch.isEmpty { return }
            let result: Result<Value, any Error>
            do { result = .success(try await read()) } catch { result = .failure(error) }
            for waiter in batch { waiter.resume(with: result) }
        }
    }
}
