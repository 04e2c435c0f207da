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
    private let deadline: Duration

    /// `deadline`: how long one read may take before its callers get ``FreshReadTimedOut`` and the next
    /// callers get a read of their own. Without it, one read stuck on a dead connection would hold
    /// every request of the node, where before each request waited only on its own connection.
    init(deadline: Duration = .seconds(10), _ read: @escaping @Sendable () async throws -> Value) {
        self.deadline = deadline
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
            // Detached: the loop serves every caller, so it takes none of the first one's task-locals.
            if startReader { Task.detached { await self.readWhileQueued() } }
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
            let result = await readWithinDeadline()
            for waiter in batch { waiter.resume(with: result) }
        }
    }

    /// The read's result, or ``FreshReadTimedOut`` once `deadline` has passed; a read that overruns is
    /// cancelled and left to finish on its own.
    private func readWithinDeadline() async -> Result<Value, any Error> {
        let read = self.read
        let deadline = self.deadline
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, any Error>, Never>) in
            let finished = Mutex(false)
            let finish: @Sendable (Result<Value, any Error>) -> Bool = { result in
                let first = finished.withLock { done in defer { done = true }; return !done }
                if first { continuation.resume(returning: result) }
                return first
            }
            let timer = Mutex<Task<Void, Never>?>(nil)
            let reader = Task {
                let result: Result<Value, any Error>
                do { result = .success(try await read()) } catch { result = .failure(error) }
                _ = finish(result)
                timer.withLock { $0?.cancel() }
            }
            let clock = Task {
                do { try await Task.sleep(for: deadline) } catch { return }
                if finish(.failure(FreshReadTimedOut())) { reader.cancel() }
            }
            timer.withLock { $0 = clock }
            // The read may have finished before the timer was stored; then it is stopped here.
            if finished.withLock({ $0 }) { clock.cancel() }
        }
    }
}

/// A shared read took longer than its deadline.
struct FreshReadTimedOut: Error, CustomStringConvertible {
    var description: String { "The database did not answer in time" }
}
