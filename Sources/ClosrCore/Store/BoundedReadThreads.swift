#if canImport(Glibc)
import Glibc
#endif

/// The threads that run bounded reads (searches) on SQLite give way to the threads that serve every
/// other request.
///
/// Two cores serve the event loops and the searches alike. A search that runs for a second at the same
/// priority as the event loops took half the machine from them, and the other tenants' requests queued
/// behind it: another organization's `GET /lead/{id}/` went from about 0.5 ms at p99 to 3.5 ms while
/// one organization searched in a loop (nice 10), 1.9 ms on average of four runs at nice 19, and about
/// 0.9 ms, within the noise of this machine's quiet runs, under `SCHED_IDLE` (measured by hand at a
/// million leads, as `Benchmarks/search-load.sh` does). So these threads run under Linux's
/// `SCHED_IDLE` policy, set per thread: the scheduler runs them when a core has nothing else to do,
/// which on a server not at full load is nearly all the time. The price: while anything else keeps every
/// core busy — other requests, or another program on the machine (seen during a build on both cores:
/// a one-word search that takes 20 ms took 0.8 s, and a long one overshot its 2 s deadline to 5 s,
/// since a thread that does not run cannot notice its deadline) — searches get little time.
enum BoundedReadThreads {
    /// Linux's `SCHED_IDLE` (`<sched.h>` defines it only under `_GNU_SOURCE`, which Swift's Glibc
    /// module does not set).
    static let idlePolicy: Int32 = 5

    /// Puts the calling thread under ``idlePolicy`` (once is enough; asking again is cheap).
    static func yieldToRequests() {
        #if os(Linux)
        var parameters = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, idlePolicy, &parameters)
        #endif
    }
}
