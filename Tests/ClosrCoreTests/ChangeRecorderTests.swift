import ClosrModel
import SQLKit
import Testing

@testable import ClosrCore

/// Which cached data a write moves (``ChangeRecorder``). A table the rule does not name counts as
/// changing everything, which is safe and slow: lead creation lost a third of its rate when its new
/// `Created` activity (and every webhook claim) invalidated every cache of every node. Every tenant
/// table is named on purpose.
@Suite struct ChangeRecorderTests {
    static func kinds(inserting table: TenantTable) -> Set<ChangeKind> {
        var insert = SQLInsert(table: SQLIdentifier(table.rawValue))
        insert.columns = [SQLIdentifier("id")]
        return ChangeRecorder.kinds(changedBy: insert)
    }

    @Test func everyTenantTableMovesOnlyWhatDependsOnIt() {
        let expected: [TenantTable: Set<ChangeKind>] = [
            // A membership decides what its keys may do (deactivation stops them), so it moves the key cache too.
            .apiKeys: [.keys], .memberships: [.accounts, .keys], .statuses: [.accounts], .pipelines: [.accounts],
            .customFields: [.accounts], .inboundSettings: [.accounts], .leads: [.leadCount],
        ]
        for table in TenantIsolationTests.everyTable {
            #expect(Self.kinds(inserting: table) == expected[table] ?? [], "\(table.rawValue)")
        }
    }

    @Test func theWebhookClaimIsARead() async throws {
        // The dispatcher claims deliveries every tenth of a second on every node: a claim that finds
        // nothing must leave every cache valid.
        let fixture = try await OrganizationFixture.make()
        let before = try await fixture.store.versions()
        _ = try await WebhookOutbox(store: fixture.store, sealer: .ephemeral()).claim(limit: 8, lease: .seconds(5))
        let after = try await fixture.store.versions()
        for kind in ChangeKind.allCases { #expect(before[kind] == after[kind], "\(kind)") }
        #expect(ChangeRecorder.kinds(changedBy: SQLRaw("SELECT 1")) == Set(ChangeKind.allCases), "text statements stay conservative")
        try await fixture.store.close()
    }
}
