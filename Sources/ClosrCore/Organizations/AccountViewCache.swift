import ClosrModel
import Synchronization

/// Recently built `/me/` views, by user, for at most ``maxAge``.
///
/// `/me/` is how clients check a key and learn who they are (Airbyte's `check`, closeio scripts), so it
/// is called often and must cost little more than verifying the key. Account data changes rarely:
/// every change made through this process clears the cache at once, and ``maxAge`` bounds how long a
/// change made by another process or server node can go unseen.
final class AccountViewCache: Sendable {
    static let maxAge: Int64 = 1_000_000

    /// A view and its JSON, rendered once per build rather than once per request.
    struct View: Sendable {
        let me: Me
        let json: [UInt8]
    }

    private struct Entry {
        let view: View
        let builtAt: CloseTimestamp
    }

    private let entries = Mutex<[String: Entry]>([:])

    func view(forUser userID: String, now: CloseTimestamp) -> View? {
        entries.withLock { entries in
            guard let entry = entries[userID], now.microseconds - entry.builtAt.microseconds < Self.maxAge else {
                return nil
            }
            return entry.view
        }
    }

    func store(_ view: View, builtAt: CloseTimestamp) {
        entries.withLock { $0[view.me.user.id] = Entry(view: view, builtAt: builtAt) }
    }

    /// Clears every view: an organization, user or membership changed.
    func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }
}
