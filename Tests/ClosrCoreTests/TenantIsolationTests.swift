import ClosrModel
import ClosrTestSupport
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// A tenant query's organization condition is ANDed in front of its own conditions when it is sent, so
/// nothing a service adds — `orWhere` above all — can reach another organization's rows.
@Suite struct TenantIsolationTests {
    static let everyTable: [TenantTable] = [.memberships, .apiKeys, .events, .statuses, .pipelines, .leads, .contacts, .opportunities, .customFields, .activities, .customActivityTypes, .tasks, .webhooks, .webhookDeliveries, .webhookEventTypes, .inboundSettings, .contactEmails, .pageViews, .visitorLeads]

    /// The text of a tenant builder's statement as it is sent to the database.
    static func sent(_ builder: some SQLQueryBuilder, on sql: any SQLDatabase) throws -> String {
        let tenant = try #require(builder.database as? TenantSQL, "tenant builders run on TenantSQL")
        return sql.serialize(tenant.scoped(builder.query)).sql
    }

    /// Conditions that match every row: `id = 'a' OR TRUE = TRUE`.
    static func widen(_ builder: some SQLPredicateBuilder) {
        _ = builder.where("id", .equal, "a").orWhere(SQLLiteral.boolean(true), .equal, SQLLiteral.boolean(true))
    }

    @Test func everyTenantStatementStartsWithItsOrganizationCondition() async throws {
        let fixture = try await OrganizationFixture.make()
        try await fixture.store.read { sql in
            let db = TenantDatabase(organizationID: "orga_x", sql: sql)
            let bind = #"(\$\d+|\?\d*)"#
            for table in Self.everyTable {
                let name = table.rawValue
                let condition = try Regex(#"WHERE "\#(name)"\."organization_id" = \#(bind) AND \("#)
                let select = db.select(from: table).column("id")
                Self.widen(select)
                let update = db.update(table).set("id", to: "b")
                Self.widen(update)
                let delete = db.delete(from: table)
                Self.widen(delete)
                for text in [try Self.sent(select, on: sql), try Self.sent(update, on: sql), try Self.sent(delete, on: sql)] {
                    #expect(text.contains(condition), "\(text)")
                    #expect(text.hasSuffix(")"), "the caller's conditions stay inside the group: \(text)")
                }
            }
            let subquery = db.subquery(selecting: "lead_id", from: .contacts) { $0.where("name", .equal, "a").orWhere("name", .notEqual, "a") }
            let subqueryText = sql.serialize(subquery).sql
            #expect(subqueryText.contains(try Regex(#"WHERE "contacts"\."organization_id" = \#(bind) AND \("#)), "\(subqueryText)")
            let page = db.select(from: .leads, idsFrom: db.select(from: .leads).column("id").orWhere("name", .notEqual, "a"))
            let pageText = try Self.sent(page, on: sql)
            #expect(pageText.matches(of: try Regex(#""leads"\."organization_id" = "#)).count == 2, "\(pageText)")
        }
        try await fixture.store.close()
    }

    @Test func orWhereCannotReachAnotherOrganization() async throws {
        let fixture = try await OrganizationFixture.make()
        let other = try await AccountProvisioning(store: fixture.store).createOrganization(name: "Other", adminEmail: "o@example.com")
        let theirs = OrgScope(organizationID: other.key.organizationID, store: fixture.store)
        let theirStatus = try await theirs.read { db in try await CRMDirectory.load(db).leadStatuses[0].id }
        func lead(_ scope: OrgScope, _ name: String, status: String) -> TenantRow {
            let now = CloseTimestamp.now().microseconds
            return scope.row(into: .leads, LeadRow(
                id: ClosrID.make(.lead), organizationId: scope.organizationID, name: name, description: "", url: nil,
                statusId: status, addresses: [], custom: .object([]), createdBy: nil, updatedBy: nil, dateCreated: now, dateUpdated: now
            ).insertColumns)
        }
        try await fixture.scope.insert([lead(fixture.scope, "ours", status: fixture.leadStatusID)])
        try await theirs.insert([lead(theirs, "theirs", status: theirStatus)])

        let seen = try await fixture.scope.read { db in
            let select = db.select(from: .leads).column("name")
            Self.widen(select)
            return try await select.all(decodingColumn: "name", as: String.self)
        }
        #expect(seen == ["ours"])
        try await fixture.scope.write { db in
            let update = db.update(.leads).set("description", to: "touched")
            Self.widen(update)
            try await update.run()
            let delete = db.delete(from: .leads)
            Self.widen(delete)
            try await delete.run()
        }
        let left = try await theirs.read { db in
            try await db.select(from: .leads).columns("name", "description").all().map {
                (try $0.decode(column: "name", as: String.self), try $0.decode(column: "description", as: String.self))
            }
        }
        #expect(left.count == 1 && left.first?.0 == "theirs" && left.first?.1 == "")
        try await fixture.store.close()
    }
}
