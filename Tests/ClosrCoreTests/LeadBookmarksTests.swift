import ClosrModel
import Foundation
import SQLKit
import Testing

@testable import ClosrCore

/// Deep pages of the list by creation date seek from bookmarks instead of walking the index: they must
/// return exactly what walking returns, in both directions and at the edges, and stop being used the
/// moment a lead is created.
@Suite struct LeadBookmarksTests {
    @Test func deepPagesFromBookmarksMatchTheWalkAndGoStaleOnChange() async throws {
        let fixture = try await OrganizationFixture.make()
        let (store, scope, status) = (fixture.store, fixture.scope, fixture.leadStatusID)
        let base = CloseTimestamp.now().microseconds
        func leadRow(_ n: Int, at time: Int64) -> TenantRow {
            // Three leads share each creation time, so the id breaks ties.
            scope.row(into: .leads, LeadRow(
                id: ClosrID.make(.lead), organizationId: scope.organizationID, name: "Lead \(n)", description: "", url: nil,
                statusId: status, addresses: [], custom: .object([]), createdBy: nil, updatedBy: nil,
                dateCreated: time, dateUpdated: time
            ).insertColumns)
        }
        try await scope.insert((0..<2_600).map { leadRow($0, at: base + Int64($0 / 3)) })

        func expected(descending: Bool) async throws -> [String] {
            try await scope.read { db in
                let direction: SQLDirection = descending ? .descending : .ascending
                return try await db.select(from: .leads).column("id").orderBy("date_created", direction).orderBy("id", direction)
                    .all().map { try $0.decode(column: "id", as: String.self) }
            }
        }
        func page(_ query: String, skip: Int) async throws -> [String] {
            try await LeadService().list(query: try LeadQuery(parsing: query), skip: skip, limit: 7, in: scope).leads.map(\.id)
        }
        for (query, descending) in [("", true), ("sort:created", false)] {
            let all = try await expected(descending: descending)
            #expect(try await page(query, skip: 2_400) == Array(all[2_400..<2_407]))   // walks, starts the bookmarks
            var waited = 0
            while fixture.caches.bookmarks.seek(organizationID: scope.organizationID, descending: descending, skip: 2_400,
                                                signal: try await store.versions()[.leadCount]) == nil, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(waited < 500, "bookmarks were never built")
            for skip in [999, 1_000, 1_001, 2_000, 2_400, 2_595, 2_599] {
                #expect(try await page(query, skip: skip) == Array(all[skip..<min(skip + 7, all.count)]), "\(query) skip \(skip)")
            }
            #expect(try await page(query, skip: 3_000).isEmpty)
        }

        // A new lead is the newest: every position of the newest-first list moves by one.
        try await scope.insert([leadRow(2_600, at: base + 10_000)])
        let moved = try await expected(descending: true)
        #expect(try await page("", skip: 2_400) == Array(moved[2_400..<2_407]))
        try await store.close()
    }
}
