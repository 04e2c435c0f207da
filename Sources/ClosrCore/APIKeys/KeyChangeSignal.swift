import Atomics
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A counter that moves whenever any API key changes (revoked, rotated, expiry moved), seen by every
/// process that shares the database, so a verified-key cache everywhere knows at once to re-check.
///
/// Reading it is one memory load, cheap enough for every request; this is what lets a revocation made
/// by another process (`closr keys revoke`, another server on the same SQLite file) refuse the very
/// next request here (DESIGN.md "API keys").
public protocol KeyChangeSignal: Sendable {
    /// The current value; any change means some key changed since it was last read.
    func current() -> UInt64
    /// Announces a change to every process. Called after the change is committed.
    func announce()
}

/// For SQLite: the counter lives in a small file beside the database, mapped into memory shared by
/// every process that opens it. Same host only, as SQLite itself is.
final class SharedFileKeyChangeSignal: KeyChangeSignal, @unchecked Sendable {
    // @unchecked: the mapping is written for the life of the process and only through `counter`,
    // whose operations are atomic across threads and processes.
    private let counter: UnsafeAtomic<UInt64>

    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw StoreError.cannotCreateFolder(path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StoreError.cannotCreateFolder(path) }
        if info.st_size < 8, ftruncate(descriptor, 8) != 0 { throw StoreError.cannotCreateFolder(path) }
        guard let mapping = mmap(nil, 8, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw StoreError.cannotCreateFolder(path)
        }
        counter = UnsafeAtomic(at: mapping.assumingMemoryBound(to: UInt64.AtomicRepresentation.self))
    }

    func current() -> UInt64 {
        counter.load(ordering: .acquiring)
    }

    func announce() {
        counter.wrappingIncrement(ordering: .releasing)
    }
}

/// For a single process (or until a database offers a cross-node channel): an in-memory counter.
final class LocalKeyChangeSignal: KeyChangeSignal {
    private let counter = ManagedAtomic<UInt64>(0)

    func current() -> UInt64 { counter.load(ordering: .acquiring) }
    func announce() { counter.wrappingIncrement(ordering: .releasing) }
}
