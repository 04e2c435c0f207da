import ClosrModel
import SQLKit

/// Leads with their contacts and opportunities, read in one statement.
///
/// A lead used to take three statements (the lead, its contacts, its opportunities), each a round trip
/// to the database thread with the statement compiled anew, and its rows went through Codable. Here
/// the database aggregates each lead's children into JSON arrays beside the lead's own columns
/// (``JSONArrayAggregate``), so one lead or a page of a hundred is one statement, and the
/// children's JSON columns (emails, phones, custom values) arrive parsed in the same pass. The children
/// are put in order here, not by the aggregate (an `ORDER BY` inside it cost a sorter per lead).
///
/// The children are matched on the lead's own `organization_id`, so the tenant filter of the select
/// the columns are added to covers them too.
struct LeadGraph: Sendable {
    let lead: LeadRow
    let contacts: [ContactRow]
    let opportunities: [OpportunityRow]
    /// The lead's open tasks (a lead's `tasks` array lists those not yet complete).
    let tasks: [TaskRow]

    /// `(SELECT <aggregate> FROM <table> <alias> WHERE <alias>.organization_id = leads.organization_id
    /// AND <alias>.lead_id = leads.id) AS <name>`, written once per dialect (``ConstantSQL``).
    private static func children(_ table: TenantTable, alias: String, columns: [any SQLExpression], as name: String, only condition: (any SQLExpression)? = nil) -> any SQLExpression {
        var select = SQLSelect()
        select.columns = [JSONArrayAggregate(columns: columns)]
        select.tables = [SQLAlias(SQLIdentifier(table.rawValue), as: SQLIdentifier(alias))]
        let owned = SQLBinaryExpression(
            SQLBinaryExpression(SQLColumn("organization_id", table: alias), .equal, SQLColumn("organization_id", table: "leads")),
            .and,
            SQLBinaryExpression(SQLColumn("lead_id", table: alias), .equal, SQLColumn("id", table: "leads"))
        )
        // `condition` holds no bound value either (the text is written once per dialect).
        select.predicate = condition.map { SQLBinaryExpression(owned, .and, $0) } ?? owned
        return ConstantSQL(SQLAlias(SQLSubquery(select), as: SQLIdentifier(name)))
    }

    private static let contactsColumn = children(.contacts, alias: "c", columns: ContactRow.graphColumns, as: "graph_contacts")
    private static let opportunitiesColumn = children(.opportunities, alias: "o", columns: OpportunityRow.graphColumns, as: "graph_opportunities")
    private static let tasksColumn = children(
        .tasks, alias: "t", columns: TaskRow.graphColumns, as: "graph_tasks",
        only: SQLBinaryExpression(SQLColumn("is_complete", table: "t"), .equal, SQLLiteral.numeric("0"))
    )

    /// Selects the lead's columns and its children from `leads` (unaliased: the subqueries name it).
    static func columns(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
        select
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("leads")))
            .column(contactsColumn)
            .column(opportunitiesColumn)
            .column(tasksColumn)
    }

    /// The columns of a child table `alias` in the order its row type reads them from the aggregate;
    /// JSON columns arrive as JSON, not as strings holding JSON.
    static func columns(of alias: String, _ names: [String], json: Set<String>) -> [any SQLExpression] {
        names.map { name in
            json.contains(name) ? JSONValueOf(column: SQLColumn(name, table: alias)) as any SQLExpression : SQLColumn(name, table: alias)
        }
    }
}

extension LeadGraph: ColumnDecodable {
    init(_ columns: RowColumns) throws {
        let lead = try LeadRow(columns)
        self.lead = lead
        contacts = try columns.json("graph_contacts", fallback: .array([])).arrayValues.map {
            ContactRow(graph: $0, organizationID: lead.organizationId, leadID: lead.id)
        }.sorted { ($0.dateCreated, $0.id) < ($1.dateCreated, $1.id) }
        opportunities = try columns.json("graph_opportunities", fallback: .array([])).arrayValues.map {
            OpportunityRow(graph: $0, organizationID: lead.organizationId, leadID: lead.id)
        }.sorted { ($0.dateCreated, $0.id) < ($1.dateCreated, $1.id) }
        tasks = try columns.json("graph_tasks", fallback: .array([])).arrayValues.map {
            TaskRow(graph: $0, organizationID: lead.organizationId, leadID: lead.id)
        }.sorted { ($0.dateAt ?? .max, $0.dateCreated, $0.id) < ($1.dateAt ?? .max, $1.dateCreated, $1.id) }
    }
}
