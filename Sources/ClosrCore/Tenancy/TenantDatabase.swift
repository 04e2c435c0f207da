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
