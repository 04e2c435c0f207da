import NIOCore
import NIOPosix
import Testing

@testable import ClosrCore

/// postgres-nio opens its connections on `any()` from a task that, with the event loops as the global
/// executor, runs on an event loop; the group it is given must not answer that same loop every time.
@Suite struct RoundRobinEventLoopsTests {
    @Test func anyCalledOnAnEventLoopHandsOutEveryLoopInTurn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        let loops = RoundRobinEventLoops(group)
        let first = group.next()
        let (sticky, spread) = try await first.submit { () -> (Set<ObjectIdentifier>, Set<ObjectIdentifier>) in
            let sticky = Set((0..<6).map { _ in ObjectIdentifier(group.any()) })
            let spread = Set((0..<6).map { _ in ObjectIdentifier(loops.any()) })
            return (sticky, spread)
        }.get()
        // The plain group sticks to the loop it is asked on; this view of it does not.
        #expect(sticky == [ObjectIdentifier(first)])
        #expect(spread.count == 3)
        try await group.shutdownGracefully()
    }
}
