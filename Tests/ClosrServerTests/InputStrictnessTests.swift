import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// One behaviour for every body and every list: the NUL character is refused (PostgreSQL cannot store
/// it, SQLite read it back cut), every JSON body is judged by the same parser, and a date filter is
/// applied or refused, never ignored.
@Suite struct InputStrictnessTests {
    @Test func aNULCharacterInABodyStringIsA400AndNothingIsStored() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for (path, body) in [("/api/v1/lead/", #"{"name": "a\u0000b"}"#),
                                 ("/api/v1/contact/", #"{"name": "x", "emails": [{"email": "a\u0000@b.com"}]}"#),
                                 ("/api/v1/status/lead/", #"{"label": "a\u0000b"}"#)] {
                let response = try await client.json(.post, path, key: key, body)
                #expect(response.status == .badRequest, "\(path)")
                #expect((response.json["error"] as? String)?.contains("NUL") == true, "\(path)")
            }
            #expect(try await client.json(.get, "/api/v1/lead/", key: key).json["total_results"] as? Int == 0)
            // An escaped backslash before a 0 is not a NUL.
            let fine = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "a\\u0000b"}"#)
            #expect(fine.status == .ok)
            #expect(fine.json["name"] as? String == #"a\u0000b"#)
        }
    }

    @Test func aNULCharacterInTheURLIsA400() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for uri in ["/api/v1/lead/?query=a%00b", "/api/v1/contact/?lead_id=a%00b", "/api/v1/lead/lead_a%00b/",
                        "/api/v1/opportunity/?query=a%00"] {
                let response = try await client.json(.get, uri, key: key)
                #expect(response.status == .badRequest, "\(uri)")
                #expect((response.json["error"] as? String)?.contains("NUL") == true, "\(uri)")
            }
            #expect(try await client.json(.get, "/api/v1/lead/?query=a%2500b", key: key).status == .ok)
        }
    }

    /// The lead endpoints always refused these; statuses, pipelines, the organization and API keys used
    /// to accept them through a second parser.
    @Test(arguments: [
        ("trailing comma", Array(#"{"label": "Hot",}"#.utf8)),
        ("byte-order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"label": "Hot"}"#.utf8)),
        ("UTF-16", Array(#"{"label": "Hot"}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
    ])
    func everyEndpointRefusesWhatTheLeadEndpointRefuses(_ name: String, _ bytes: [UInt8]) async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            var headers = Credential.basic(key)
            headers[.contentType] = "application/json"
            for (method, path) in [(HTTPRequest.Method.post, "/api/v1/lead/"), (.post, "/api/v1/status/lead/"),
                                   (.post, "/api/v1/pipeline/"), (.put, "/api/v1/organization/\(env.organizationID)/"),
                                   (.post, "/api/v1/api_key/")] {
                let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
                #expect(response.status == .badRequest, "\(name) \(path)")
                #expect(response.json["error"] as? String == "Invalid JSON in the request body", "\(name) \(path)")
            }
            let statuses = try await client.json(.get, "/api/v1/status/lead/", key: key).json["data"] as? [[String: Any]]
            #expect(statuses?.contains { $0["label"] as? String == "Hot" } == false)
        }
    }

    @Test func dateFiltersOnLeadsStatusesAndCustomFieldsAreApplied() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let first = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "First"}"#).json
            let firstCreated = try #require(first["date_created"] as? String)
            try await Task.sleep(for: .milliseconds(5))
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Second"}"#)
            _ = try await client.json(.post, "/api/v1/status/lead/", key: key, #"{"label": "Later"}"#)
            _ = try await client.json(.post, "/api/v1/custom_field/lead/", key: key, #"{"name": "Later", "type": "text"}"#)
            let after = firstCreated.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!

            func names(_ uri: String, _ member: String = "name") async throws -> [String] {
                let response = try await client.json(.get, uri, key: key)
                #expect(response.status == .ok, "\(uri)")
                return (response.json["data"] as? [[String: Any]] ?? []).compactMap { $0[member] as? String }
            }
            #expect(try await names("/api/v1/lead/?date_created__gt=\(after)") == ["Second"])
            #expect(try await names("/api/v1/lead/?date_created__lte=\(after)") == ["First"])
            #expect(try await names("/api/v1/lead/?date_updated__gte=2999-01-01").isEmpty)
            #expect(try await names("/api/v1/lead/?date_created__lt=2999-01-01&_order_by=name") == ["First", "Second"])
            #expect(try await names("/api/v1/status/lead/?date_created__gt=\(after)", "label") == ["Later"])
            #expect(try await names("/api/v1/custom_field/lead/?date_created__gt=\(after)") == ["Later"])
            #expect(try await names("/api/v1/pipeline/?date_created__gt=2999-01-01").isEmpty)
        }
    }

    @Test func aDateFilterThatIsNotADateIsA400() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for uri in ["/api/v1/lead/?date_created__gte=2020-01-01T00:00:00%2B99:99", "/api/v1/lead/?date_updated__lt=yesterday",
                        "/api/v1/opportunity/?date_created__gte=2020-01-01T00:00:00%2B99:99",
                        "/api/v1/status/opportunity/?date_updated__gt=2020-13-01", "/api/v1/custom_field/contact/?date_created__lte=nope",
                        "/api/v1/pipeline/?date_created__gt=2020-01-01T10:00%2B05:60"] {
                let response = try await client.json(.get, uri, key: key)
                #expect(response.status == .badRequest, "\(uri)")
                #expect((response.json["error"] as? String)?.contains("ISO 8601") == true, "\(uri)")
            }
            #expect(try await client.json(.get, "/api/v1/lead/?date_created__gte=2020-01-01T00:00:00%2B05:30", key: key).status == .ok)
        }
    }
}
