#if canImport(Glibc)
import Glibc
#endif

/// The threads that run bounded reads (searches) on SQLite give way to the threads that serve every
/// other request.
///
/// Two cores serve the event loops and the searches alike. A search that runs for a second at the same
/// priority as the event loops took half the machine from them, and the other tenants' requests queued
/// behind it (a quick `GET` of another organization went from half a millisecond at p99 to six). At a
/// lower priority (`nice` 10 for the thread alone: on Linux a nice value belongs to a thread, and
/// `setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's), the scheduler runs an event loop as soon as it has work, and searches use what is
/// left, which on a machine not at full load is nearly all of it.
enum BoundedReadThreads {
    static let niceness: Int32 = 10

    /// Lowers the calling thread's priority (once is enough, and it is cheap to ask again).
    static func yieldToRequests() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
