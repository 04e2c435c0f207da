import ClosrCore
import ClosrModel
import ClosrTestSupport
import Foundation
import Testing

/// `closr inbound` as an operator runs it on the database: shows the settings, changes them, refuses bad
/// origins with one clear line.
@Suite struct InboundCommandTests {
    @Test func showsAndChangesTheSettings() async throws {
        let database = try ServeCommandTests.temporaryDatabase()
        let store = try await StoreFactory.open(database.database)
        _ = try await AccountProvisioning(store: store).runIfEmpty(organizationName: "Acme", adminEmail: "ada@example.com")
        try await store.close()

        let shown = try await ClosrProcess.run(["inbound", "--database", database.url])
        #expect(shown.status == 0 && shown.stdout.contains("allowed origins:       none") && shown.stdout.contains("dedupe by email:       on"), "\(shown.stdout)\(shown.stderr)")
        let changed = try await ClosrProcess.run([
            "inbound", "--database", database.url, "--allow-origin", "HTTPS://www.Example.com/", "--allow-origin", "https://*.shop.example",
            "--dedupe", "off", "--respect-do-not-track", "on",
        ])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("https://www.example.com https://*.shop.example") && changed.stdout.contains("dedupe by email:       off"))
        #expect(changed.stdout.contains("respect Do Not Track:  on"))
        let bad = try await ClosrProcess.run(["inbound", "--database", database.url, "--allow-origin", "https://example.com/path"])
        #expect(bad.status != 0 && bad.stderr.contains("allowed_origins") && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        let removed = try await ClosrProcess.run(["inbound", "--database", database.url, "--remove-origin", "https://www.example.com"])
        #expect(removed.stdout.contains("allowed origins:       https://*.shop.example"), "\(removed.stdout)")
    }
}
