import Synchronization

/// Values by key (an organization, a user), each kept for one version of what it was read from: an entry
/// is returned only while the caller's version still equals the one it was stored with (``CoreCaches``).
///
/// A `Mutex` rather than an actor: it is read on hot paths, and a lock held for one dictionary access
/// is cheaper than an actor hop. Past `capacity` entries it starts over.
final class VersionedCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (version: UInt64, value: Value)]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: String, version: UInt64) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.version == version else { return nil }
            return entry.value
        }
    }

    /// Stores a value read after `version` was read.
    func store(_ value: Value, for key: String, version: UInt64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (version, value)
        }
    }
}
