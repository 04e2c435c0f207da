import ClosrModel
import Synchronization

/// Keys verified recently, by the SHA-256 of their secret, so that a request with a known key costs a dictionary look-up
/// instead of a database round trip (DESIGN.md "API keys").
///
/// Each entry remembers the `keys` version (``StoreVersions``) read before its database look-up, and is
/// used only while that version still reads the same: any committed key change, in any process or on any
/// node sharing the database, sends the next request for every key back to the database. A `Mutex` rather than an actor: this is
/// read on every authenticated request, and a lock held for one dictionary access is cheaper than an
/// actor hop.
final class VerifiedKeyCache: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let expiresAt: CloseTimestamp?
        let signal: UInt64
    }

    /// Beyond this many keys the cache starts over; 10 keys × many organizations fit many times over.
    static let capacity = 50_000

    private let entries = Mutex<[SecretDigest: Entry]>([:])

    /// The entry for a hash, if it was verified since the signal last moved.
    func entry(for digest: SecretDigest, signal: UInt64) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[digest], entry.signal == signal else { return nil }
            return entry
        }
    }

    func store(_ entry: Entry, for digest: SecretDigest) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = entry
        }
    }
}
