import ClosrModel
import Foundation
import Testing

/// `closr lead|contact|opportunity …` as a person or a script runs them against a live `closr serve`:
/// tables and `--json`, every verb, Close's errors as one line and exit code 1.
@Suite struct ClientCommandsTests {
    @Test func leadsContactsAndOpportunitiesOverTheAPI() async throws {
        let database = try ServeCommandTests.temporaryDatabase()
        let server = try ClosrProcess(["serve", "--port", "0", "--database", database.url])
        let port = try await server.waitForPort()
        let key = String(try #require(server.stdout.split(separator: "\n").first { $0.hasPrefix("API key: closr_") }).dropFirst("API key: ".count))
        let api = ["--url", "http://127.0.0.1:\(port)", "--api-key", key]
        func closr(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ClosrProcess.run(arguments + api)
        }

        let created = try await closr(["lead", "create", "--set", "name=Acme", "--data", #"{"contacts": [{"name": "Wile", "emails": [{"email": "wile@acme.example"}]}]}"#, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let lead = try Lead(json: Array(created.stdout.utf8).filter { $0 != UInt8(ascii: "\n") })
        #expect(lead.name == "Acme" && lead.contacts.first?.emails.first?.email == "wile@acme.example")

        let table = try await closr(["lead", "list"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("STATUS") == true && lines.count == 2)
        #expect(lines.last?.contains(lead.id) == true && lines.last?.contains("wile@acme.example") == true)

        let opportunity = try await closr(["opportunity", "create", "--set", "lead_id=\(lead.id)", "--set", "value=120000", "--set", "confidence=50"])
        #expect(opportunity.status == 0 && opportunity.stdout.contains("$1,200") && opportunity.stdout.contains("50%"), "\(opportunity.stdout)\(opportunity.stderr)")
        let contacts = try await closr(["contact", "list", "--filter", "lead_id=\(lead.id)", "--json"])
        #expect(contacts.stdout.split(separator: "\n").count == 1 && contacts.stdout.contains("Wile"))

        let updated = try await closr(["lead", "update", lead.id, "--set", "status=Qualified"])
        #expect(updated.status == 0 && updated.stdout.contains("Qualified"))
        let refused = try await closr(["lead", "update", lead.id, "--set", "status=Nope"])
        #expect(refused.status == 1 && refused.stderr.contains("No lead status is labelled") && refused.stderr.split(separator: "\n").count == 1)

        #expect(try await closr(["lead", "delete", lead.id]).status == 0)
        let gone = try await closr(["lead", "get", lead.id])
        #expect(gone.status == 1 && gone.stderr.contains("Lead not found"))
        let noKey = try await ClosrProcess.run(["lead", "list", "--url", "http://127.0.0.1:\(port)"])
        #expect(noKey.status != 0 && noKey.stderr.contains("--api-key"))
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
