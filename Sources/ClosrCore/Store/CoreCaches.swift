import Synchronization

/// Every cache of one running Closr, owned by ``CoreServices`` (no singletons, no globals), each entry
/// kept for one reading of the ``StoreVersions`` it depends on.
///
/// The rule is the same for all of them: read the versions, then the data; store the entry under the
/// versions read first; use an entry only while the versions still read the same. A change committed
/// after the versions were read moves them before its transaction returns, so no entry outlives it.
///
/// Staleness, per dialect:
/// - SQLite: versions are counters in a file mapped into every process on the host that opens the
///   database, moved right after each commit. A request that starts after a change's response sees it.
/// - PostgreSQL: versions are rows of `closr_versions`, moved inside the committing transaction, and
///   read once per request (one round trip). A request on any node that starts after a change's
///   response sees it; nothing is kept that another node would need.
public final class CoreCaches: Sendable {
    /// Verified API keys (``ChangeKind/keys``).
    let verifiedKeys = VerifiedKeyCache()
    /// `/me/` views by user (``ChangeKind/accounts``).
    let accountViews = VersionedCache<AccountView>(capacity: 100_000)
    /// Each organization's statuses, pipelines, members and custom fields (``ChangeKind/accounts``).
    let directories = VersionedCache<CRMDirectory>(capacity: 10_000)
    /// Unfiltered lead counts by organization (``ChangeKind/leadCount``).
    let leadCounts = VersionedCache<Int>(capacity: 10_000)
    /// Deep-page bookmarks of the lead list by creation date (``ChangeKind/leadCount``).
    let bookmarks = LeadBookmarks(stride: 1000)

    public init() {}
}

/// Versions read once and used once (see ``OrgScope``).
final class VersionsMemo: Sendable {
    private let value: Mutex<StoreVersions?>

    init(_ versions: StoreVersions? = nil) { value = Mutex(versions) }

    func take() -> StoreVersions? { value.withLock { value in defer { value = nil }; return value } }
}
