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

    /// One read in progress: who waits for it, and since when.
    private struct Flight {
        let started: ContinuousClock.Instant
        let waiters: [Waiter]
    }

    private struct State {
        var queued: [Waiter] = []
        /// The reader loop that owns the reads now; a loop that finds another number here was abandoned.
        var loop: UInt64?
        var loopTask: Task<Void, Never>?
        var loops: UInt64 = 0
        var flight: Flight?
        var watching = false
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
            let (loop, watch) = state.withLock { state -> (UInt64?, Bool) in
                state.queued.append(waiter)
                let watch = !state.watching
                state.watching = true
                return (state.loop == nil ? Self.startLoop(&state) : nil, watch)
            }
            if let loop { launch(loop) }
            // Detached: these serve every caller, so they take none of the first one's task-locals.
            if watch { Task.detached { await self.watch() } }
        }
    }

    private static func startLoop(_ state: inout State) -> UInt64 {
        state.loops += 1
        state.loop = state.loops
        return state.loops
    }

    private func launch(_ loop: UInt64) {
        let task = Task.detached { await self.readWhileQueued(loop) }
        state.withLock { if $0.loop == loop { $0.loopTask = task } }
    }

    /// Reads for the queued callers, then for those who queued meanwhile, until nobody waits or the
    /// watchdog gives up on this loop's read.
    private func readWhileQueued(_ loop: UInt64) async {
        while true {
            let flying = state.withLock { state -> Bool in
                guard state.loop == loop else { return false }
                guard !state.queued.isEmpty else {
                    state.loop = nil
                    state.loopTask = nil
                    return false
                }
                state.flight = Flight(started: .now, waiters: state.queued)
                state.queued = []
                return true
            }
            guard flying else { return }
            let result: Result<Value, any Error>
            do { result = .success(try await read()) } catch { result = .failure(error) }
            let waiters = state.withLock { state -> [Waiter]? in
                guard state.loop == loop, let flight = state.flight else { return nil }
                state.flight = nil
                return flight.waiters
            }
            // Nil: the watchdog failed these callers already and another loop serves the queue.
            guard let waiters else { return }
            for waiter in waiters { waiter.resume(with: result) }
        }
    }

    /// One task per coalescer while reads go on (not a timer per read: the timers were 4% of a
    /// PostgreSQL `GET /lead/{id}/`): every tenth of the deadline it looks at the read in flight; one
    /// older than the deadline has its callers failed and its loop cancelled and abandoned, and a new
    /// loop serves whoever queued meanwhile. It ends when no loop runs.
    private func watch() async {
        let tick = deadline / 10
        while true {
            try? await Task.sleep(for: tick)
            var expired: [Waiter] = []
            var stuck: Task<Void, Never>?
            var next: UInt64?
            let done = state.withLock { state -> Bool in
                if let flight = state.flight, flight.started.duration(to: .now) >= deadline {
                    expired = flight.waiters
                    stuck = state.loopTask
                    state.flight = nil
                    state.loop = nil
                    state.loopTask = nil
                    if !state.queued.isEmpty { next = Self.startLoop(&state) }
                }
                if state.loop == nil && state.queued.isEmpty {
                    state.watching = false
                    return true
                }
                return false
            }
            stuck?.cancel()
            for waiter in expired { waiter.resume(throwing: FreshReadTimedOut()) }
            if let next { launch(next) }
            if done { return }
        }
    }
}

/// A shared read took longer than its deadline.
struct FreshReadTimedOut: Error, CustomStringConvertible {
    var description: String { "The database did not answer in time" }
}
