import ClosrTestSupport
import Foundation
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// What one request may ask of the database is bounded, and past the bound the answer is a 400 that
/// says so — these requests used to be 500s from SQLite.
@Suite struct RequestBoundsTests {
    @Test func aLeadQueryPastItsTermOrLengthLimitIsA400() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            func words(_ count: Int) -> String {
                (0..<count).map { "w\($0)" }.joined(separator: "+")
            }
            #expect(try await client.json(.get, "/api/v1/lead/?query=\(words(50))", key: key).status == .ok)
            let short = Array(repeating: "a", count: 950).joined(separator: "+")
            let negated = Array(repeating: "not+a", count: 100).joined(separator: "+")
            for (query, detail) in [(words(51), "terms"), (short, "terms"), (negated, "terms"), (words(950), "bytes"),
                                    (String(repeating: "a", count: 5000), "bytes")] {
                let response = try await client.json(.get, "/api/v1/lead/?query=\(query)", key: key)
                #expect(response.status == .badRequest)
                #expect((response.json["error"] as? String)?.contains(detail) == true, "\(response.json)")
            }
        }
    }

    /// A search still running at the deadline is stopped by SQLite and answered with a 400 that says
    /// why; lists without a query are not bounded reads and are untouched. (The same stop on
    /// PostgreSQL, by `statement_timeout`, is `BoundedReadTests`; a statement there cannot be made
    /// to outlast a deadline without a timing assumption.)
    @Test(.enabled(if: TestDatabase.dialect == .sqlite))
    func aSearchPastTheDeadlineIsA400() async throws {
        let env = try await TestEnvironment.make(searchDeadline: .nanoseconds(1))
        let key = env.secret
        try await env.withApp { client in
            for index in 0..<50 {
                _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Lead \#(index)", "description": "a b c"}"#)
            }
            let response = try await client.json(.get, "/api/v1/lead/?query=b+c+not+zz", key: key)
            #expect(response.status == .badRequest)
            #expect((response.json["error"] as? String)?.contains("took longer than") == true, "\(response.json)")
            #expect(try await client.json(.get, "/api/v1/lead/", key: key).json["total_results"] as? Int == 50)
        }
    }

    @Test func thousandsOfOrderByTermsAreOneOrderPerField() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for name in ["b", "a", "c"] {
                _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "\#(name)"}"#)
            }
            let many = (["name"] + Array(repeating: "-date_created", count: 5000)).joined(separator: ",")
            let leads = try await client.json(.get, "/api/v1/lead/?_order_by=\(many)", key: key)
            #expect(leads.status == .ok)
            #expect((leads.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["a", "b", "c"])
            let opportunities = try await client.json(.get, "/api/v1/opportunity/?_order_by=\(Array(repeating: "-date_created", count: 5000).joined(separator: ","))", key: key)
            #expect(opportunities.status == .ok)
        }
    }

    @Test func aLongOpportunityQueryIsA400() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let response = try await client.json(.get, "/api/v1/opportunity/?query=\(String(repeating: "%25a", count: 20_000))", key: key)
            #expect(response.status == .badRequest)
            #expect((response.json["error"] as? String)?.contains("limit") == true)
            #expect(try await client.json(.get, "/api/v1/opportunity/?query=\(String(repeating: "a", count: 1000))", key: key).status == .ok)
        }
    }
}
