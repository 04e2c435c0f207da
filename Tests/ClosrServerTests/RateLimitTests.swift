import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Past the per-key limit: 429 with Close's headers and body, and the limit resets when they say.
@Suite struct RateLimitTests {
    @Test func overTheLimitIs429WithCloseHeadersAndResets() async throws {
        let env = try await TestEnvironment.make(rateLimit: RateLimitPolicy(limit: 5, windowSeconds: 6))
        let admin = env.secret
        try await env.withApp { client in
            // Start at the beginning of a window so all five fit in it (6 s: under the whole suite's load
            // five requests once took longer than a 2 s window).
            let micros = CloseTimestamp.now().microseconds % 6_000_000
            try await Task.sleep(for: .microseconds(6_000_000 - micros + 20_000))
            for index in 1...5 {
                let ok = try await client.json(.get, "/api/v1/me/", key: admin)
                #expect(ok.status == .ok)
                let header = try #require(ok.headers[HTTPField.Name("RateLimit")!])
                let match = try #require(header.wholeMatch(of: #/limit=(\d+), remaining=(\d+), reset=(\d+)/#))
                #expect(Int(match.1) == 5 && Int(match.2) == 5 - index && Int(match.3)! >= 1)
                #expect(ok.headers[HTTPField.Name("X-Rate-Limit-Remaining")!] == String(5 - index))
                #expect(ok.headers[HTTPField.Name("RateLimit-Policy")!] == "5;w=6")
            }
            let limited = try await client.json(.get, "/api/v1/me/", key: admin)
            #expect(limited.status == .tooManyRequests)
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap(Int.init))
            #expect((1...6).contains(retryAfter))
            #expect(limited.headers[HTTPField.Name("RateLimit")!] == "limit=5, remaining=0, reset=\(retryAfter)")
            #expect(limited.json["rate_reset"] as? Int == retryAfter)
            let nested = try #require(limited.json["error"] as? [String: Any])
            #expect(nested["rate_reset"] as? Int == retryAfter)
            #expect(nested["rate_limit"] as? Int == 5)
            #expect(nested["rate_window"] as? Int == 6)
            #expect(nested["rate_limit_type"] as? String == "key")

            // Errors below the limiter carry the headers too.
            try await Task.sleep(for: .seconds(retryAfter))
            let reset = try await client.json(.get, "/api/v1/me/", key: admin)
            #expect(reset.status == .ok)
            let missing = try await client.json(.get, "/api/v1/api_key/api_nope/", key: admin)
            #expect(missing.status == .notFound)
            #expect(missing.headers[HTTPField.Name("RateLimit")!] != nil)
        }
    }

    @Test func keysAreLimitedSeparately() async throws {
        // An hour's window: a window boundary between the requests (which a slow run once met with a
        // minute's window) would reset the count.
        let env = try await TestEnvironment.make(rateLimit: RateLimitPolicy(limit: 2, windowSeconds: 86_400))
        let admin = env.secret
        let member = try await env.member(email: "bob@example.com", role: "user")
        try await env.withApp { client in
            _ = try await client.json(.get, "/api/v1/me/", key: admin)
            _ = try await client.json(.get, "/api/v1/me/", key: admin)
            #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .tooManyRequests)
            #expect(try await client.json(.get, "/api/v1/me/", key: member.secret).status == .ok)
        }
    }

    /// Close's per-organization limit is three times the per-key one: four keys of one organization get
    /// three keys' worth, and a request refused by its key's limit does not use the organization's.
    @Test func anOrganizationGetsThreeTimesOneKeysLimit() async throws {
        let env = try await TestEnvironment.make(rateLimit: RateLimitPolicy(limit: 2, windowSeconds: 86_400))
        let admin = env.secret
        var keys: [String] = []
        for index in 1...3 { keys.append(try await env.member(email: "m\(index)@example.com", role: "user").secret) }
        let members = keys
        let rival = try await env.otherOrganization()
        try await env.withApp { client in
            // Start early in a window so every request below falls in the same one.
            let micros = CloseTimestamp.now().microseconds % 3_600_000_000
            if micros > 3_540_000_000 { try await Task.sleep(for: .microseconds(3_600_000_000 - micros + 20_000)) }
            for _ in 1...2 { #expect(try await client.json(.get, "/api/v1/me/", key: admin).status == .ok) }
            let byKey = try await client.json(.get, "/api/v1/me/", key: admin)
            #expect(byKey.status == .tooManyRequests)
            #expect((byKey.json["error"] as? [String: Any])?["rate_limit_type"] as? String == "key")
            for member in members.prefix(2) {
                for _ in 1...2 { #expect(try await client.json(.get, "/api/v1/me/", key: member).status == .ok) }
            }
            let byOrganization = try await client.json(.get, "/api/v1/me/", key: members[2])
            #expect(byOrganization.status == .tooManyRequests)
            let error = try #require(byOrganization.json["error"] as? [String: Any])
            #expect(error["rate_limit_type"] as? String == "organization")
            #expect(error["rate_limit"] as? Int == 6)
            #expect(byOrganization.headers[.retryAfter] != nil)
            #expect(try await client.json(.get, "/api/v1/me/", key: rival.secret).status == .ok)
        }
    }

    @Test func policiesParse() {
        #expect(RateLimitPolicy(parsing: "1000/10") == RateLimitPolicy(limit: 1000, windowSeconds: 10))
        #expect(RateLimitPolicy(parsing: "0/10") == nil)
        #expect(RateLimitPolicy(parsing: "ten/10") == nil)
        #expect(RateLimitPolicy(parsing: "10") == nil)
    }
}
