import Foundation
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// Requests as the data connectors build them (close-api-more.md §A): Airbyte's UTC bounds end in `Z`,
/// and its cursor paginator adds a parameter with an empty name. Both must be read as Close reads them.
@Suite struct ConnectorRequestShapeTests {
    @Test func utcTimestampsEndingInZAreReadInDateFiltersAndInTheLeadQuery() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Only"}"#).json
            let leadID = try #require(lead["id"] as? String)
            #expect(try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"lead_id": "\#(leadID)", "value": 100}"#).status == .ok)

            func count(_ uri: String) async throws -> Int {
                let response = try await client.json(.get, uri, key: key)
                #expect(response.status == .ok, "\(uri): \(response.text)")
                return (response.json["data"] as? [[String: Any]])?.count ?? -1
            }
            func query(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let past = "2000-01-01T00:00:00Z"
            let future = "2999-01-01T00:00:00.123456Z"
            for list in ["/api/v1/lead/", "/api/v1/opportunity/"] {
                for column in ["date_created", "date_updated"] {
                    #expect(try await count("\(list)?\(column)__gt=\(past)") == 1, "\(list) \(column) after \(past)")
                    #expect(try await count("\(list)?\(column)__gt=\(future)") == 0, "\(list) \(column) after \(future)")
                    #expect(try await count("\(list)?\(column)__lte=\(future)") == 1, "\(list) \(column) up to \(future)")
                }
            }
            // Airbyte's lead stream: the bounds inside the query, sorted by update.
            let window = "sort:updated date_updated > \(past) date_updated <= 2999-03-01T12:00:00.123456Z"
            #expect(try await count("/api/v1/lead/?query=\(query(window))") == 1)
            #expect(try await count("/api/v1/lead/?query=\(query("date_updated > \(future)"))") == 0)
        }
    }

    @Test func aParameterWithAnEmptyNameIsIgnored() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Only"}"#)
            for uri in [
                "/api/v1/status/lead/?=-1", "/api/v1/pipeline/?=-1", "/api/v1/lead/?_limit=1&=-1",
                "/api/v1/event/?date_updated__gt=2000-01-01T00:00:00Z&date_updated__lte=2999-01-01T00:00:00Z&=-1",
            ] {
                let response = try await client.json(.get, uri, key: key)
                #expect(response.status == .ok, "\(uri): \(response.text)")
                #expect(((response.json["data"] as? [[String: Any]]) ?? []).isEmpty == false, "\(uri)")
            }
        }
    }
}
