import ClosrModel
import Foundation
import Testing

@testable import ClosrCore

/// Requests whose inserts share a transaction must not share a fate: when one request's rows fail
/// (here a contact of a lead that does not exist, refused by its foreign key), the batch is retried
/// request by request, so every other request's rows are still committed and only the bad one fails.
@Suite struct InsertBatcherTests {
    @Test func oneFailingRequestDoesNotFailTheOthersInItsBatch() async throws {
        let fixture = try await OrganizationFixture.make()
        let (store, scope, status) = (fixture.store, fixture.scope, fixture.leadStatusID)
        let now = CloseTimestamp.now()

        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for n in 0..<40 {
                group.addTask {
                    let id = ClosrID.make(.lead)
                    let lead = LeadRow(
                        id: id, organizationId: scope.organizationID, name: "Lead \(n)", description: "", url: nil, statusId: status,
                        addresses: [], custom: .object([]), createdBy: nil, updatedBy: nil,
                        dateCreated: now.microseconds, dateUpdated: now.microseconds
                    )
                    // Every fifth request's contact points at a lead that does not exist.
                    let contact = ContactRow(
                        id: ClosrID.make(.contact), organizationId: scope.organizationID,
                        leadId: n % 5 == 0 ? ClosrID.make(.lead) : id, name: "C\(n)", title: "", emails: [], phones: [], urls: [],
                        custom: .object([]), createdBy: nil, updatedBy: nil, dateCreated: now.microseconds, dateUpdated: now.microseconds
                    )
                    do {
                        try await scope.insert([scope.row(into: .leads, lead.insertColumns), scope.row(into: .contacts, contact.insertColumns)])
                        return (id, true)
                    } catch {
                        return (id, false)
                    }
                }
            }
            return await group.reduce(into: [(String, Bool)]()) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0.1 }.count == 8)
        let stored = try await scope.read { db in
            try await db.select(from: .leads).column("id").all().map { try $0.decode(column: "id", as: String.self) }
        }
        #expect(Set(stored) == Set(outcomes.filter(\.1).map(\.0)))
        let contacts = try await scope.read { db in try await db.select(from: .contacts).column("id").all().count }
        #expect(contacts == 32)
        try await store.close()
    }

    /// A request whose required row (the status its lead was validated against) is gone by the commit
    /// fails with its own error; the requests beside it are committed.
    @Test func aRequirementGoneByTheCommitFailsOnlyItsRequest() async throws {
        let fixture = try await OrganizationFixture.make()
        let (store, scope, status) = (fixture.store, fixture.scope, fixture.leadStatusID)
        let now = CloseTimestamp.now()
        let outcomes = await withTaskGroup(of: (Int, String?).self) { group in
            for n in 0..<20 {
                group.addTask {
                    let required = n == 7 ? "stat_deleted" : status
                    let lead = LeadRow(
                        id: ClosrID.make(.lead), organizationId: scope.organizationID, name: "Lead \(n)", description: "", url: nil,
                        statusId: required, addresses: [], custom: .object([]), createdBy: nil, updatedBy: nil,
                        dateCreated: now.microseconds, dateUpdated: now.microseconds
                    )
                    do {
                        try await scope.insert(
                            [scope.row(into: .leads, lead.insertColumns)],
                            requiring: [scope.requirement(.statuses, id: required, else: CloseError.validation(["status_id": "Invalid status id."]))]
                        )
                        return (n, nil)
                    } catch let error as CloseError {
                        return (n, error.message)
                    } catch {
                        return (n, "other: \(error)")
                    }
                }
            }
            return await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.1 != nil }.map(\.0) == [7])
        #expect(outcomes.first { $0.0 == 7 }?.1 != nil && outcomes.first { $0.0 == 7 }?.1?.hasPrefix("other") == false)
        let stored = try await scope.read { db in try await db.select(from: .leads).column("id").all().count }
        #expect(stored == 19)
        try await store.close()
    }
}
