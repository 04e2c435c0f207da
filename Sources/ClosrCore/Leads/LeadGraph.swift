import ClosrModel
import SQLKit

/// Leads with their contacts and opportunities, read in one statement.
///
/// A lead used to take three statements (the lead, its contacts, its opportunities), each a round trip
/// to the database thread with the statement compiled anew, and its rows went through Codable. Here
/// SQLite aggregates each lead's children into JSON arrays beside the lead's own columns
/// (`json_group_array(json_array(…))`), so one lead or a page of a hundred is one statement, and the
/// children's JSON columns (emails, phones, custom values) arrive parsed in the same pass. The children
/// are put in order here, not by the aggregate (an `ORDER BY` inside it cost a sorter per lead).
/// PostgreSQL's form of the same is `json_agg(json_build_array(…))`.
///
/// The children are matched on the lead's own `organization_id`, so the tenant filter of the select
/// the columns are added to covers them too.
struct LeadGraph: Sendable {
    let lead: LeadRow
    let contacts: [ContactRow]
    let opportunities: [OpportunityRow]

    private static let contactsColumn = "(SELECT json_group_array(json_array(\(ContactRow.graphColumns))) FROM contacts c"
        + " WHERE c.organization_id = leads.organization_id AND c.lead_id = leads.id) AS graph_contacts"
    private static let opportunitiesColumn = "(SELECT json_group_array(json_array(\(OpportunityRow.graphColumns))) FROM opportunities o"
        + " WHERE o.organization_id = leads.organization_id AND o.lead_id = leads.id) AS graph_opportunities"

    /// Selects the lead's columns and its children from `leads` (unaliased: the subqueries name it).
    static func columns(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
        select
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("leads")))
            .column(SQLRaw(contactsColumn))
            .column(SQLRaw(opportunitiesColumn))
    }

    /// One lead by id, as text written once: the most frequent read there is.
    static let byID = TenantStatement([
        "SELECT leads.*, \(contactsColumn), \(opportunitiesColumn) FROM leads WHERE leads.organization_id = ",
        " AND leads.id = ", "",
    ])
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
    }
}
