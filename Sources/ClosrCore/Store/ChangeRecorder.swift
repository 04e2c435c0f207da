import SQLKit
import Synchronization

/// A transaction's connection that notes which ``ChangeKind``s its statements write, so the store can
/// move their versions on commit (GRDB's way: the database tells, no caller announces).
///
/// It reads the statements SQLKit's builders produce — `SQLInsert`, `SQLUpdate`, `SQLDelete` and their
/// table — so the rule below is the whole of change tracking. Anything else that is not a `SELECT`
/// (schema changes in migrations, text statements) counts as changing everything: a cache re-read too
/// often is slower, one re-read too rarely is wrong.
struct ChangeRecorder: ForwardingSQLDatabase {
    let base: any SQLDatabase
    let changes: ChangeSet

    func forwarded(_ query: any SQLExpression) -> any SQLExpression {
        changes.insert(Self.kinds(changedBy: query))
        return query
    }

    /// The kinds of data a statement changes.
    static func kinds(changedBy query: any SQLExpression) -> Set<ChangeKind> {
        switch query {
        case is SQLSelect, is StoreLock:
            return []
        case let insert as SQLInsert:
            return kinds(table: insert.table, rowsAddedOrRemoved: true)
        case let delete as SQLDelete:
            return kinds(table: delete.table, rowsAddedOrRemoved: true)
        case let update as SQLUpdate:
            if tableName(update.table) == TenantTable.apiKeys.rawValue, update.values.allSatisfy(setsLastUse) { return [] }
            return kinds(table: update.table, rowsAddedOrRemoved: false)
        default:
            return Set(ChangeKind.allCases)
        }
    }

    private static func kinds(table: any SQLExpression, rowsAddedOrRemoved: Bool) -> Set<ChangeKind> {
        switch tableName(table) {
        case "api_keys": return [.keys]
        // A membership's role or deactivation decides what its keys may do: verified keys are cached by `.keys`.
        case "memberships": return [.accounts, .keys]
        case "organizations", "users", "statuses", "pipelines", "custom_fields", "inbound_settings": return [.accounts]
        // Read fresh on every use, never cached.
        case "user_passwords", "console_sessions", "invitations": return []
        case "leads": return rowsAddedOrRemoved ? [.leadCount] : []
        // No cache holds these: activities, tasks, webhooks and their outbox, and the tracker's rows are
        // read fresh per request.
        case "contacts", "opportunities", "events", "schema_migrations", "activities", "tasks", "custom_activity_types",
             "webhooks", "webhook_event_types", "webhook_deliveries", "contact_emails", "page_views",
             "visitor_leads":
            return []
        default: return Set(ChangeKind.allCases)
        }
    }

    private static func tableName(_ table: any SQLExpression) -> String? {
        (table as? SQLIdentifier)?.string
    }

    /// `last_used_… = …`: the only update of a key that no cache depends on.
    private static func setsLastUse(_ assignment: any SQLExpression) -> Bool {
        guard let assignment = assignment as? SQLColumnAssignment else { return false }
        let name = (assignment.columnName as? SQLColumn)?.name ?? assignment.columnName
        return (name as? SQLIdentifier)?.string.hasPrefix("last_used_") == true
    }
}

/// The kinds a transaction has changed so far.
final class ChangeSet: Sendable {
    private let kinds = Mutex<Set<ChangeKind>>([])

    func insert(_ new: Set<ChangeKind>) {
        guard !new.isEmpty else { return }
        kinds.withLock { $0.formUnion(new) }
    }

    var all: Set<ChangeKind> { kinds.withLock { $0 } }
}
