import Atomics
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A counter that moves whenever a kind of data changes, seen by every process that shares the
/// database, so caches everywhere know at once to re-read.
///
/// Reading it is one memory load, cheap enough for every request. The store has one for API keys
/// (revoked, rotated, expiry moved: a revocation made by `closr keys revoke` or another server on the
/// same SQLite file refuses the very next request here, DESIGN.md "API keys") and one for accounts
/// (organizations, users, memberships: the `/me/` views).
public protocol ChangeSignal: Sendable {
    /// The current value; any change means some key changed since it was last read.
    func current() -> UInt64
    /// Announces a change to every process. Called after the change is committed.
    func announce()
}

/// For SQLite: the counters live in a small file beside the database, mapped into memory shared by
/// every process that opens it, one 8-byte slot per signal. Same host only, as SQLite itself is.
final class SharedFileChangeSignal: ChangeSignal, @unchecked Sendable {
    static let slots = 8

    // @unchecked: the mapping is written for the life of the process and only through `counter`,
    // whose operations are atomic across threads and processes.
    private let counter: UnsafeAtomic<UInt64>

    init(path: String, slot: Int) throws {
        precondition(slot >= 0 && slot < Self.slots, "slot out of range")
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw StoreError.cannotCreateFolder(path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StoreError.cannotCreateFolder(path) }
        let size = 8 * Self.slots
        if info.st_size < size, ftruncate(descriptor, off_t(size)) != 0 { throw StoreError.cannotCreateFolder(path) }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw StoreError.cannotCreateFolder(path)
        }
        let slots: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage> = mapping.assumingMemoryBound(to: UnsafeAtomic<UInt64>.Storage.self)
        counter = UnsafeAtomic<UInt64>(at: slots.advanced(by: slot))
    }

    func current() -> UInt64 {
        counter.load(ordering: .acquiring)
    }

    func announce() {
        counter.wrappingIncrement(ordering: .releasing)
    }
}
