import ClosrCore
import ClosrTestSupport
import Foundation
import SQLKit
import Testing

/// Several `closr serve` processes on one PostgreSQL database, as behind a load balancer: what one node
/// changes, the others honour on their next request. Needs the PostgreSQL server of the run
/// (`CLOSR_TEST_POSTGRES_URL`, which `.ci/run` always sets).
@Suite(.serialized, .enabled(if: TestDatabase.postgresURL != nil, "needs CLOSR_TEST_POSTGRES_URL"))
struct ManyNodesTests {
    /// Two nodes started at the same moment on `database`, with their ports.
    static func twoNodes(_ database: DatabaseURL, _ extra: [String] = []) async throws -> [(process: ClosrProcess, port: Int)] {
        guard case .postgres(let url) = database else { throw TestDatabaseError.noPostgres }
        let processes = try (0..<2).map { _ in try ClosrProcess(["serve", "--port", "0", "--database", url] + extra) }
        var nodes: [(ClosrProcess, Int)] = []
        for process in processes { nodes.append((process, try await process.waitForPort())) }
        return nodes
    }

    static func stop(_ nodes: [(process: ClosrProcess, port: Int)]) async throws {
        for node in nodes { node.process.signal(SIGTERM) }
        for node in nodes { #expect(try await node.process.waitForExit() == 0) }
    }

    @Test func twoNodesStartingTogetherProvisionOnceAndHonourEachOthersChanges() async throws {
        let database = try TestDatabase.freshPostgres()
        let nodes = try await Self.twoNodes(database)
        let (a, b) = ("http://127.0.0.1:\(nodes[0].port)/api/v1", "http://127.0.0.1:\(nodes[1].port)/api/v1")

        // One organization, one key printed, by exactly one of the two.
        let printed = nodes.flatMap { $0.process.stdout.split(separator: "\n").filter { $0.hasPrefix("API key: closr_") } }
        #expect(printed.count == 1, "stdout: \(nodes.map(\.process.stdout))")
        let admin = String(try #require(printed.first).dropFirst("API key: ".count))
        let store = try await StoreFactory.open(database)
        let organizations = try await store.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("organizations")
                .first(decodingColumn: "n", as: Int.self)
        }
        #expect(organizations == 1)
        try await store.close()

        // A key revoked through A is refused by B's very next request, 100 times over.
        var acceptedAfterRevoke = 0
        for round in 0..<100 {
            let created = try await http("POST", "\(a)/api_key/", key: admin, json: #"{"label": "round \#(round)"}"#)
            #expect(created.status == 200)
            let secret = try #require(jsonString(created.body, "key"))
            let id = try #require(jsonString(created.body, "id"))
            // B has verified (and cached) the key before it is revoked.
            #expect(try await http("GET", "\(b)/me/", key: secret).status == 200)
            #expect(try await http("DELETE", "\(a)/api_key/\(id)/", key: admin).status == 200)
            if try await http("GET", "\(b)/me/", key: secret).status != 401 { acceptedAfterRevoke += 1 }
        }
        #expect(acceptedAfterRevoke == 0)

        // A lead created through A is listed by B at once, and B's cached count follows.
        let before = try await http("GET", "\(b)/lead/", key: admin)
        #expect(before.body.contains(#""total_results":0"#))
        let lead = try await http("POST", "\(a)/lead/", key: admin, json: #"{"name": "Made on A", "contacts": [{"name": "Ada"}]}"#)
        let leadID = try #require(jsonString(lead.body, "id"))
        let listed = try await http("GET", "\(b)/lead/", key: admin)
        #expect(listed.body.contains(leadID) && listed.body.contains(#""total_results":1"#))
        #expect(try await http("GET", "\(b)/lead/\(leadID)/", key: admin).status == 200)

        // A status added through A is known to B at once (its configuration cache follows).
        let status = try await http("POST", "\(a)/status/lead/", key: admin, json: #"{"label": "Added on A"}"#)
        let statusID = try #require(jsonString(status.body, "id"))
        let moved = try await http("PUT", "\(b)/lead/\(leadID)/", key: admin, json: #"{"status_id": "\#(statusID)"}"#)
        #expect(moved.status == 200 && moved.body.contains("Added on A"))

        try await Self.stop(nodes)
    }

    @Test func eachNodeEnforcesItsShareOfTheRateLimit() async throws {
        let database = try TestDatabase.freshPostgres()
        // 4 requests a minute for the whole, over 2 nodes: 2 per node.
        let nodes = try await Self.twoNodes(database, ["--rate-limit", "4/60", "--nodes", "2"])
        let printed = nodes.flatMap { $0.process.stdout.split(separator: "\n").filter { $0.hasPrefix("API key: closr_") } }
        let admin = String(try #require(printed.first).dropFirst("API key: ".count))
        var statuses: [Int] = []
        for request in 0..<8 {
            statuses.append(try await http("GET", "http://127.0.0.1:\(nodes[request % 2].port)/api/v1/me/", key: admin).status)
        }
        // Round robin, as a balancer spreads them: the whole admits exactly the limit.
        #expect(statuses == [200, 200, 200, 200, 429, 429, 429, 429])
        try await Self.stop(nodes)
    }
}
