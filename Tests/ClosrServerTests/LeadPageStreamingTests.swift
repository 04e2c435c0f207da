import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// A long page of leads is written a batch at a time (chunked, never held whole), and is the same page,
/// in the same order, with the same envelope, as the short pages that cover it.
@Suite struct LeadPageStreamingTests {
    @Test func aLongPageIsStreamedAndEqualsTheShortPagesThatCoverIt() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp(.live) { client in
            // Leads of very different sizes, so batches are resized as the page is written.
            for index in 0..<70 {
                let contacts = (0..<(index % 10 == 0 ? 120 : 1)).map { #"{"name": "C\#(index)-\#($0)", "emails": [{"email": "c\#($0)@l\#(index).test"}]}"# }
                let body = #"{"name": "Lead \#(index)", "contacts": [\#(contacts.joined(separator: ","))]}"#
                #expect(try await client.json(.post, "/api/v1/lead/", key: key, body).status == .ok)
            }
            let long = try await client.json(.get, "/api/v1/lead/?_limit=60&_skip=5&_fields=id,name,contacts", key: key)
            #expect(long.status == .ok)
            #expect(long.headers[.contentLength] == nil)
            #expect(long.headers[.transferEncoding] == "chunked")
            let data = try #require(long.json["data"] as? [[String: Any]])
            #expect(long.json["has_more"] as? Bool == true)
            #expect(long.json["total_results"] as? Int == 70)
            #expect(data.count == 60)
            #expect(data.allSatisfy { Set($0.keys) == ["id", "name", "contacts"] })

            var short: [[String: Any]] = []
            for skip in stride(from: 5, to: 65, by: 20) {
                let page = try await client.json(.get, "/api/v1/lead/?_limit=20&_skip=\(skip)&_fields=id,name,contacts", key: key)
                #expect(page.headers[.contentLength] != nil)
                short += try #require(page.json["data"] as? [[String: Any]])
            }
            #expect(data.map { $0["id"] as? String } == short.map { $0["id"] as? String })
            #expect(data.map { ($0["contacts"] as? [Any])?.count } == short.map { ($0["contacts"] as? [Any])?.count })

            let last = try await client.json(.get, "/api/v1/lead/?_limit=1000&_skip=10", key: key)
            #expect(last.json["has_more"] as? Bool == false)
            #expect((last.json["data"] as? [Any])?.count == 60)
        }
    }
}
