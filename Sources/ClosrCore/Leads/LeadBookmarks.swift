import ClosrModel
import SQLKit
import Synchronization

/// Where every 1,000th lead of an organization's list by creation date sits, so that a page deep in the
/// unfiltered list seeks to a nearby lead instead of stepping over every lead before it.
///
/// `_skip=999000` made SQLite walk 999,000 index entries (60–80 ms). A lead's `date_created` never
/// changes, so the order of the unfiltered list by creation date changes only when a lead is created,
/// deleted or merged away — exactly when the lead-count signal moves, in any process sharing the
/// database. Bookmarks are kept for one value of that signal. They are found in the background after a
/// deep page finds none (one pass over the index), so no request waits for them; a list whose signal
/// has moved since walks the index as before.
final class LeadBookmarks: Sendable {
    /// Leads between bookmarks.
    let stride: Int

    /// One organization's bookmarks for one direction: `keys[k]` is the lead at position
    /// `(k + 1) * stride - 1` of the list, valid while the lead-count signal reads `signal`.
    private struct Entry {
        let signal: UInt64
        let keys: [Bookmark]
    }

    struct Bookmark: ColumnDecodable {
        let dateCreated: Int64
        let id: String

        init(_ columns: RowColumns) throws {
            dateCreated = try columns.int64("date_created")
            id = try columns.string("id")
        }
    }

    private struct Key: Hashable {
        let organizationID: String
        let descending: Bool
    }

    private let entries = Mutex<(bookmarks: [Key: Entry], started: [Key: ContinuousClock.Instant])>(([:], [:]))

    init(stride: Int) {
        self.stride = stride
    }

    /// The bookmark at or before position `skip - 1` and how many leads remain to skip after it; nil
    /// when there are no bookmarks for this value of the signal (then one may be built with ``build``).
    func seek(organizationID: String, descending: Bool, skip: Int, signal: UInt64) -> (after: Bookmark, skip: Int)? {
        let whole = skip / stride
        guard whole > 0 else { return nil }
        return entries.withLock { state in
            guard let entry = state.bookmarks[Key(organizationID: organizationID, descending: descending)],
                  entry.signal == signal, !entry.keys.isEmpty
            else { return nil }
            let index = min(whole, entry.keys.count) - 1
            return (entry.keys[index], skip - (index + 1) * stride)
        }
    }

    /// Finds the bookmarks of one organization's list in the background, unless that is already under
    /// way or was done less than ten seconds ago (a list that keeps changing keeps walking instead).
    func build(in scope: OrgScope, descending: Bool) {
        let key = Key(organizationID: scope.organizationID, descending: descending)
        let now = ContinuousClock.now
        let start = entries.withLock { state in
            if let last = state.started[key], now - last < .seconds(10) { return false }
            if state.started.count >= 1_000 { state.started.removeAll(keepingCapacity: true) }
            state.started[key] = now
            return true
        }
        guard start else { return }
        let stride = self.stride
        Task {
            // Read before the rows: a change committed after this read moves the signal, so bookmarks
            // stored with this value are never used for a list they do not describe.
            guard let signal = try? await scope.store.versions()[.leadCount],
                  let keys = try? await scope.read({ db in try await Self.bookmarks(every: stride, descending: descending, in: db) }) else {
                return
            }
            entries.withLock { state in
                if state.bookmarks.count >= 1_000 { state.bookmarks.removeAll(keepingCapacity: true) }
                state.bookmarks[key] = Entry(signal: signal, keys: keys)
            }
        }
    }

    /// Every `stride`-th lead in list order, each found by skipping `stride` index entries from the one
    /// before: one walk over the index in short steps (a window function numbering every lead took a
    /// second for a million).
    private static func bookmarks(every stride: Int, descending: Bool, in db: TenantDatabase) async throws -> [Bookmark] {
        var keys: [Bookmark] = []
        let direction: SQLDirection = descending ? .descending : .ascending
        while true {
            var next = db.select(from: .leads).column(SQLColumn("date_created", table: "leads")).column(SQLColumn("id", table: "leads"))
            if let last = keys.last { next = LeadQuerySQL.after(last, descending: descending, next) }
            next = next.orderBy(SQLColumn("date_created", table: "leads"), direction).orderBy(SQLColumn("id", table: "leads"), direction)
            guard let key = try await next.offset(stride - 1).limit(1).first(Bookmark.self) else { return keys }
            keys.append(key)
        }
    }
}
