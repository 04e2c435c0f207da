import Synchronization
import Testing

@testable import ClosrCore

/// Callers share reads, and never get a reading that began before they asked.
@Suite struct FreshReadCoalescerTests {
    /// A read that returns its own number (1, 2, …) after a pause, counting how many began.
    private final class NumberedReads: Sendable {
        let began = Mutex(0)
        let fails = Mutex(false)
        func read() async throws -> Int {
            let number = began.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(50))
            if fails.withLock({ $0 }) { throw CancellationError() }
            return number
        }
    }

    @Test func aCallerArrivingDuringAReadWaitsForTheNextOne() async throws {
        let reads = NumberedReads()
        let coalescer = FreshReadCoalescer { try await reads.read() }
        async let first = coalescer.value()
        while reads.began.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        // Read 1 is under way: it may have looked before this caller arrived, so it is not this caller's.
        let second = try await coalescer.value()
        #expect(try await first == 1)
        #expect(second == 2)
    }

    @Test func concurrentCallersShareReadsThatBeganAfterThem() async throws {
        let reads = NumberedReads()
        let coalescer = FreshReadCoalescer { try await reads.read() }
        let fresh = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let beganBefore = reads.began.withLock { $0 }
                    return try await coalescer.value() > beganBefore
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(fresh)
        #expect(reads.began.withLock { $0 } < 50)
    }

    @Test func aFailedReadFailsItsCallersAndTheNextReadWorks() async throws {
        let reads = NumberedReads()
        let coalescer = FreshReadCoalescer { try await reads.read() }
        reads.fails.withLock { $0 = true }
        await #expect(throws: CancellationError.self) { try await coalescer.value() }
        reads.fails.withLock { $0 = false }
        #expect(try await coalescer.value() == 2)
    }
}

/// A read that never answers fails its callers at the deadline instead of holding them, and later
/// callers get a read of their own.
@Suite struct FreshReadDeadlineTests {
    @Test(.timeLimit(.minutes(1))) func aStuckReadFailsItsCallersAndTheNextReadIsServed() async throws {
        let calls = Mutex(0)
        let coalescer = FreshReadCoalescer(deadline: .milliseconds(200)) { () async throws -> Int in
            let call = calls.withLock { $0 += 1; return $0 }
            if call == 1 {
                // Stuck until cancelled (a connection that stopped answering).
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                throw CancellationError()
            }
            return call
        }
        await #expect(throws: FreshReadTimedOut.self) { try await coalescer.value() }
        #expect(try await coalescer.value() == 2)
    }
}
