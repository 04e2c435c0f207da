import Synchronization

/// `req_…` ids for requests: unique and time-sorted like every ``ClosrID``, but drawn from a fast
/// generator seeded once from the system's random source, since a request id needs no secrecy and the
/// system source costs a system call per id.
public final class RequestIDGenerator: Sendable {
    private let state: Mutex<SplitMix64>

    public init() {
        var system = SystemRandomNumberGenerator()
        state = Mutex(SplitMix64(seed: system.next()))
    }

    public func next() -> String {
        let milliseconds = UInt64(CloseTimestamp.now().microseconds / 1000)
        return state.withLock { generator in
            ClosrID.make(.request, milliseconds: milliseconds, using: &generator)
        }
    }
}

/// Sebastiano Vigna's SplitMix64: tiny, fast, and well distributed; not for secrets.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
