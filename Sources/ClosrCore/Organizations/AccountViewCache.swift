import ClosrModel
import Synchronization

/// Built `/me/` views, by user, each valid while the store's account ``ChangeSignal`` has not moved.
///
/// `/me/` is how clients check a key and learn who they are (Airbyte's `check`, closeio scripts), so it
/// is called often and must cost little more than verifying the key. Account data changes rarely, and
/// every change — in this process or another sharing the database — moves the signal, which retires
/// every view at once.
final class AccountViewCache: Sendable {
    /// A view and its JSON, rendered once per build rather than once per request.
    struct View: Sendable {
        let me: Me
        let json: [UInt8]
    }

    private struct Entry {
        let view: View
        let signal: UInt64
    }

    private let entries = Mutex<[String: Entry]>([:])

    func view(forUser userID: String, signal: UInt64) -> View? {
        entries.withLock { entries in
            guard let entry = entries[userID], entry.signal == signal else { return nil }
            return entry.view
        }
    }

    /// Stores a view built from data read after `signal` was read.
    func store(_ view: View, signal: UInt64) {
        entries.withLock { entries in
            if entries.count >= 100_000 { entries.removeAll(keepingCapacity: true) }
            entries[view.me.user.id] = Entry(view: view, signal: signal)
        }
    }
}
