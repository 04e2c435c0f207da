/// Lets at most `count` tasks at a time into a section that suspends, in arrival order.
///
/// SQLite allows one writer: Closr funnels every write transaction through one connection, and one
/// permit keeps two transactions from interleaving their statements on it. Bounded reads (searches)
/// take one of a few permits, so slow searches never hold every connection another request needs.
actor AsyncPermits {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        available = count
    }

    func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
