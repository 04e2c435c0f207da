import ClosrModel
import Synchronization

/// Keys verified recently, by secret hash, so that a request with a known key costs a dictionary look-up
/// instead of a database round trip (DESIGN.md "API keys").
///
/// A `Mutex` rather than an actor: this is read on every authenticated request, and a lock held for one
/// dictionary access is cheaper than an actor hop. Revocation removes the key's entry before the revoke
/// call returns, so the very next request goes to the database and is refused.
final class VerifiedKeyCache: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let expiresAt: CloseTimestamp?
    }

    /// Beyond this many keys the cache starts over; 10 keys × many organizations fit many times over.
    static let capacity = 50_000

    private let entries = Mutex<[String: Entry]>([:])

    func entry(forHash hash: String) -> Entry? {
        entries.withLock { $0[hash] }
    }

    func store(_ entry: Entry, forHash hash: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = entry
        }
    }

    /// Forgets the key with this public id, wherever it is cached.
    func invalidate(keyID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.apiKeyID != keyID }
        }
    }

    /// Forgets every cached key, for changes that touch many keys at once (a membership or role change).
    func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }
}
