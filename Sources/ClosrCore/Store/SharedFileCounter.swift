import Atomics
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SQLite's ``StoreVersions``: one counter per ``ChangeKind`` in a small file beside the database,
/// mapped into memory shared by every process that opens it (a running server, `closr keys revoke`).
///
/// Reading is one memory load, cheap enough for every request; the store increments a counter right
/// after committing a transaction that changed its kind. Same host only, as SQLite itself is.
final class SharedFileCounter: @unchecked Sendable {
    static let slots = 8

    // @unchecked: the mapping is written for the life of the process and only through `counter`,
    // whose operations are atomic across threads and processes.
    private let counter: UnsafeAtomic<UInt64>

    init(path: String, slot: Int) throws {
        precondition(slot >= 0 && slot < Self.slots, "slot out of range")
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw StoreError.cannotOpen("Cannot open \(path) for reading and writing") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StoreError.cannotOpen("Cannot read \(path)") }
        let size = 8 * Self.slots
        if info.st_size < size, ftruncate(descriptor, off_t(size)) != 0 { throw StoreError.cannotOpen("Cannot write \(path)") }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw StoreError.cannotOpen("Cannot map \(path) into memory")
        }
        let slots: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage> = mapping.assumingMemoryBound(to: UnsafeAtomic<UInt64>.Storage.self)
        counter = UnsafeAtomic<UInt64>(at: slots.advanced(by: slot))
    }

    func current() -> UInt64 {
        counter.load(ordering: .acquiring)
    }

    func increment() {
        counter.wrappingIncrement(ordering: .releasing)
    }
}
