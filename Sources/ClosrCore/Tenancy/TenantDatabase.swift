import SQLKit

/// Query builders over one organization's rows. Each builder starts with
/// `WHERE <table>.organization_id = ?` (or sets it, for inserts); callers add conditions, never remove.
public struct TenantDatabase: Sendable {
    public let organizationID: String
    let sql: any SQLDatabase
    /// The store's account signal, for caches of organization configuration; nil outside an OrgScope.
    var accountChanges: (any ChangeSignal)? = nil
    /// The store's lead-count signal, for the cached count of an organization's leads.
    var leadCountChanges: (any ChangeSignal)? = nil

    /// `SELECT … FROM table WHERE table.organization_id = ?`.
    func select(from table: TenantTable) -> SQLSelectBuilder {
        sql.select().from(table.rawValue)
            .where(SQLColumn("organization_id", table: table.rawValue), .equal, SQLBind(organizationID))
    }

    /// `SELECT … FROM (ids) AS page JOIN table ON table.id = page.id WHERE table.organization_id = ?`:
    /// the rows a subquery of ids chose (a page), read id by id after the subquery has walked only its
    /// index. SQLite is told to keep `page` outside (`CROSS JOIN`): left to itself it walked the
    /// table's list index to save sorting a hundred rows, as it did for `WHERE id IN (…)`.
    func select(from table: TenantTable, idsFrom ids: SQLSelectBuilder) -> SQLSelectBuilder {
        sql.select()
            .from(SQLAlias(SQLGroupExpression(ids.select), as: SQLIdentifier("page")))
            .join(SQLIdentifier(table.rawValue), method: OuterLoopFirstJoin(), on: SQLColumn("id", table: table.rawValue), .equal, SQLColumn("id", table: "page"))
            .where(SQLColumn("organization_id", table: table.rawValue), .equal, SQLBind(organizationID))
    }

    /// `UPDATE table SET … WHERE organization_id = ?`.
    func update(_ table: TenantTable) -> SQLUpdateBuilder {
        sql.update(table.rawValue).where("organization_id", .equal, organizationID)
    }

    /// Sets the given columns, `updated_by` and `date_updated` on one row.
    func applyUpdate(_ table: TenantTable, id: String, _ changes: [(String, any Encodable & Sendable)], userID: String, at now: Int64) async throws {
        var update = self.update(table).set("updated_by", to: userID).set("date_updated", to: now)
        for (column, value) in changes { update = update.set(column, to: value) }
        try await update.where("id", .equal, id).run()
    }

    /// `DELETE FROM table WHERE organization_id = ?`.
    func delete(from table: TenantTable) -> SQLDeleteBuilder {
        sql.delete(from: table.rawValue).where("organization_id", .equal, organizationID)
    }

    /// `INSERT INTO table (organization_id, columns…) VALUES (?, values…)`.
    func insert(into table: TenantTable, _ row: [(column: String, value: any Encodable & Sendable)]) -> SQLInsertBuilder {
        sql.insert(into: table.rawValue)
            .columns(["organization_id"] + row.map(\.column))
            .values([organizationID as any Encodable & Sendable] + row.map(\.value))
    }

    /// The organization row itself (`organizations.id = ?`).
    func selectOrganization() -> SQLSelectBuilder {
        sql.select().from("organizations").where("id", .equal, organizationID)
    }

    /// `UPDATE organizations … WHERE id = ?` for this organization only.
    func updateOrganization() -> SQLUpdateBuilder {
        sql.update("organizations").where("id", .equal, organizationID)
    }

    /// `(SELECT column FROM table WHERE organization_id = ? AND …)`, for `IN` conditions across tables.
    func subquery(selecting column: String, from table: TenantTable, _ build: (SQLSubqueryBuilder) -> SQLSubqueryBuilder) -> any SQLExpression {
        let builder = SQLSubqueryBuilder()
        _ = builder.column(column).from(table.rawValue).where("organization_id", .equal, organizationID)
        _ = build(builder)
        return builder.query
    }
}

/// An inner join that keeps its left side as the outer loop: `CROSS` in SQLite, which documents it for
/// exactly this; `INNER` elsewhere (PostgreSQL's `CROSS JOIN` takes no `ON`).
private struct OuterLoopFirstJoin: SQLExpression {
    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(serializer.dialect.name == "sqlite" ? "CROSS" : "INNER")
    }
}
