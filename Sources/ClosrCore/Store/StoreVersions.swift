/// The kinds of data that caches depend on. A committed transaction that changed one moves its version.
///
/// Which statements change which kind is decided in one place, ``ChangeRecorder``, from the statements
/// themselves — no service announces anything.
public enum ChangeKind: Int, Sendable, CaseIterable {
    /// API keys: created, revoked, rotated, expiry moved (not last use, which no cache holds).
    case keys
    /// Organizations, users, memberships, statuses, pipelines, custom fields: what `/me/` and each
    /// organization's directory are built from.
    case accounts
    /// Leads created or deleted: what lead counts and deep-page bookmarks depend on.
    case leadCount

    /// The name of its row in PostgreSQL's `closr_versions`.
    var name: String {
        switch self {
        case .keys: return "keys"
        case .accounts: return "accounts"
        case .leadCount: return "lead_count"
        }
    }
}

/// One reading of every ``ChangeKind``'s version. Equal readings mean nothing of that kind changed in
/// between, in any process or on any node.
public struct StoreVersions: Sendable, Equatable {
    private var values: [UInt64]

    public init() { values = Array(repeating: 0, count: ChangeKind.allCases.count) }

    public subscript(kind: ChangeKind) -> UInt64 {
        get { values[kind.rawValue] }
        set { values[kind.rawValue] = newValue }
    }
}
