import SQLKit

/// `<table>.organization_id = ?`, ANDed in front of a statement's own conditions when it is serialised.
///
/// Builders from ``TenantDatabase`` run on a ``TenantSQL`` connection, which puts this condition in
/// front of the statement's predicate as one group: `WHERE t.organization_id = ? AND (…)`. Whatever a
/// caller adds — `where`, `orWhere`, a nested group — ends up inside the parentheses, so no later clause
/// can widen a query to another organization.
struct TenantCondition: Sendable {
    let table: String
    /// `organization_id`, or `id` for the `organizations` table itself.
    var column = "organization_id"
    let organizationID: String

    /// The condition ANDed with `predicate`.
    func and(_ predicate: (any SQLExpression)?) -> any SQLExpression {
        let condition = SQLBinaryExpression(SQLColumn(column, table: table), .equal, SQLBind(organizationID))
        guard let predicate else { return condition }
        return SQLBinaryExpression(condition, .and, SQLGroupExpression(predicate))
    }

    /// A select of this tenant's rows only.
    func scoped(_ select: SQLSelect) -> SQLSelect {
        var select = select
        select.predicate = and(select.predicate)
        return select
    }
}

/// The connection tenant builders run on: every `SELECT`, `UPDATE` and `DELETE` it executes has its
/// ``TenantCondition`` ANDed in; other statements pass through (inserts set `organization_id` as their
/// first column when built).
struct TenantSQL: ForwardingSQLDatabase {
    let base: any SQLDatabase
    let condition: TenantCondition

    func forwarded(_ query: any SQLExpression) -> any SQLExpression { scoped(query) }

    /// The statement as it is sent: with the tenant condition in front of its own.
    func scoped(_ query: any SQLExpression) -> any SQLExpression {
        switch query {
        case let select as SQLSelect:
            return condition.scoped(select)
        case var update as SQLUpdate:
            update.predicate = condition.and(update.predicate)
            return update
        case var delete as SQLDelete:
            delete.predicate = condition.and(delete.predicate)
            return delete
        default:
            return query
        }
    }
}
