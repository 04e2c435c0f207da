import SQLKit

/// Query builders over one organization's rows. Each builder runs on a ``TenantSQL`` connection that
/// ANDs `<table>.organization_id = ?` in front of its conditions when it is serialised (or, for inserts,
/// sets the column first); callers add conditions and can never widen them.
public struct TenantDatabase: Sendable {
    public let organizationID: String
    let sql: any SQLDatabase
    /// The caches this organization's reads may use, with the versions read at the start of the
    /// request; nil where no cache may be used (inside batch checks, provisioning).
    var cached: CachedReads? = nil

    /// Caches and the versions they are valid for.
    struct CachedReads: Sendable {
        let caches: CoreCaches
        let versions: StoreVersions
        /// Lead counts are counted fresh inside a write; configuration may still come from the cache.
        let countsFromCache: Bool
    }

    private func builderDatabase(_ table: String) -> TenantSQL {
        TenantSQL(base: sql, condition: TenantCondition(table: table, organizationID: organizationID))
    }

    /// `SELECT … FROM table WHERE table.organization_id = ? AND (…)`.
    func select(from table: TenantTable) -> SQLSelectBuilder {
        builderDatabase(table.rawValue).select().from(table.rawValue)
    }

    /// `SELECT … FROM source WHERE table.organization_id = ? AND (…)`, for a `source` that joins
    /// `table` to something unscoped that drives the reading (a full-text index).
    func select(from table: TenantTable, source: any SQLExpression) -> SQLSelectBuilder {
        builderDatabase(table.rawValue).select().from(source)
    }

    /// `SELECT … FROM (ids) AS page JOIN table ON table.id = page.id WHERE table.organization_id = ?`:
    /// the rows a subquery of ids chose, read id by id after the subquery has found them. SQLite is told
    /// to keep `page` outside (``OuterLoopFirstJoin``): its statistics, sampled, take one organization
    /// for a thousand rows, and left to itself it walked the organization's whole list index to test
    /// each row against the few ids. `ids` selects `id` from `idsTable` (by default `table`) and is
    /// scoped to this organization there.
    func select(from table: TenantTable, idsFrom ids: SQLSelectBuilder, of idsTable: TenantTable? = nil) -> SQLSelectBuilder {
        let idsCondition = TenantCondition(table: (idsTable ?? table).rawValue, organizationID: organizationID)
        return builderDatabase(table.rawValue).select()
            .from(SQLAlias(SQLGroupExpression(idsCondition.scoped(ids.select)), as: SQLIdentifier("page")))
            .join(SQLIdentifier(table.rawValue), method: OuterLoopFirstJoin(), on: SQLColumn("id", table: table.rawValue), .equal, SQLColumn("id", table: "page"))
    }

    /// `UPDATE table SET … WHERE organization_id = ? AND (…)`.
    func update(_ table: TenantTable) -> SQLUpdateBuilder {
        builderDatabase(table.rawValue).update(table.rawValue)
    }

    /// Sets the given columns, `updated_by` and `date_updated` on one row.
    func applyUpdate(_ table: TenantTable, id: String, _ changes: [(String, any Encodable & Sendable)], userID: String, at now: Int64) async throws {
        var update = self.update(table).set("updated_by", to: userID).set("date_updated", to: now)
        for (column, value) in changes { update = update.set(column, to: value) }
        try await update.where("id", .equal, id).run()
    }

    /// `DELETE FROM table WHERE organization_id = ? AND (…)`.
    func delete(from table: TenantTable) -> SQLDeleteBuilder {
        builderDatabase(table.rawValue).delete(from: table.rawValue)
    }

    /// `INSERT INTO table (organization_id, columns…) VALUES (?, values…)`.
    func insert(into table: TenantTable, _ row: [(column: String, value: any Encodable & Sendable)]) -> SQLInsertBuilder {
        sql.insert(into: table.rawValue)
            .columns(["organization_id"] + row.map(\.column))
            .values([organizationID as any Encodable & Sendable] + row.map(\.value))
    }

    /// The organization row itself (`organizations.id = ?`).
    func selectOrganization() -> SQLSelectBuilder {
        TenantSQL(base: sql, condition: TenantCondition(table: "organizations", column: "id", organizationID: organizationID))
            .select().from("organizations")
    }

    /// Takes this organization's row lock until the transaction ends, so that read-check-write changes
    /// of one organization (its keys, its inbound settings) take turns across PostgreSQL nodes;
    /// SQLite, one writer at a time already, gets no locking clause from its dialect.
    func lockOrganization() async throws {
        _ = try await selectOrganization().column("id").for(.update).first()
    }

    /// `UPDATE organizations … WHERE id = ?` for this organization only.
    func updateOrganization() -> SQLUpdateBuilder {
        TenantSQL(base: sql, condition: TenantCondition(table: "organizations", column: "id", organizationID: organizationID))
            .update("organizations")
    }

    /// `(SELECT column FROM table WHERE organization_id = ? AND (a) INTERSECT SELECT column FROM table
    /// WHERE organization_id = ? AND (b) …)`: the values every condition selects, each arm filtered to
    /// this organization, for an `IN` condition. Set operations are planned arm by arm, where as many
    /// `IN` subqueries would be a join whose order the planner searches.
    func intersection(selecting column: String, from table: TenantTable, _ conditions: [any SQLExpression]) -> any SQLExpression {
        let arms = conditions.map { condition in
            let builder = SQLSubqueryBuilder()
            _ = builder.column(column).from(table.rawValue).where(condition)
            return TenantCondition(table: table.rawValue, organizationID: organizationID).scoped(builder.select)
        }
        return SQLIntersection(arms: arms)
    }

    /// `EXISTS (SELECT 1 FROM table WHERE organization_id = ? AND (…))` (or `NOT EXISTS`), for
    /// conditions on rows of another table that belong to the row at hand.
    func exists(in table: TenantTable, negated: Bool = false, _ build: (SQLSubqueryBuilder) -> SQLSubqueryBuilder) -> any SQLExpression {
        let builder = SQLSubqueryBuilder()
        _ = builder.column(SQLLiteral.numeric("1")).from(table.rawValue)
        _ = build(builder)
        return SQLExists(select: TenantCondition(table: table.rawValue, organizationID: organizationID).scoped(builder.select), negated: negated)
    }

    /// `(SELECT column FROM table WHERE organization_id = ? AND (…))`, for `IN` conditions across tables.
    func subquery(selecting column: String, from table: TenantTable, _ build: (SQLSubqueryBuilder) -> SQLSubqueryBuilder) -> any SQLExpression {
        let builder = SQLSubqueryBuilder()
        _ = builder.column(column).from(table.rawValue)
        _ = build(builder)
        return SQLSubquery(TenantCondition(table: table.rawValue, organizationID: organizationID).scoped(builder.select))
    }
}

/// `EXISTS (select)` or `NOT EXISTS (select)`.
private struct SQLExists: SQLExpression {
    let select: SQLSelect
    let negated: Bool

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(negated ? "NOT EXISTS (" : "EXISTS (")
        select.serialize(to: &serializer)
        serializer.write(")")
    }
}

/// `(arm INTERSECT arm …)`, written without parentheses around each arm (SQLite allows none there).
private struct SQLIntersection: SQLExpression {
    let arms: [SQLSelect]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("(")
        SQLList(arms, separator: SQLRaw(" INTERSECT ")).serialize(to: &serializer)
        serializer.write(")")
    }
}
