import Dispatch
import NIOCore
import NIOPosix

/// The process's event loops, handed out in turn even to a caller that is itself on one of them.
///
/// `MultiThreadedEventLoopGroup.any()` is sticky: called on one of its loops, it answers that loop.
/// postgres-nio's pool opens every connection on `any()` from its own task, and with the event loops as
/// Swift Concurrency's executor (`closr`'s entry point) that task runs on a loop, so every connection
/// landed on the same one; each request's work resumes where its query's answer arrives, so one core did
/// all of it while the other idled (profile of `GET /lead/{id}/` on PostgreSQL: 52% of samples on one
/// loop thread, 8% on the other). Asking this group spreads the connections, and the work, over all loops.
final class RoundRobinEventLoops: EventLoopGroup {
    private let group: MultiThreadedEventLoopGroup

    init(_ group: MultiThreadedEventLoopGroup = .singleton) {
        self.group = group
    }

    func next() -> any EventLoop { group.next() }

    func any() -> any EventLoop { group.next() }

    func makeIterator() -> EventLoopIterator { group.makeIterator() }

    /// The shared group is never shut down through this view of it.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        queue.async { callback(nil) }
    }
}
