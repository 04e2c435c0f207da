import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// The details a Close client notices beyond the main shapes: JSON types (a boolean is never `1`),
/// `_fields` on every resource, other organizations' ids, the list parameters Airbyte and closeio send,
/// `date_lost`, and the error answers of merge.
@Suite struct CloseShapeDetailTests {
    @Test func listsAndFlagsHaveJSONTypesNotLookAlikes() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Typed", "contacts": [{"name": "T", "emails": [{"email": "t@example.com"}]}]}"#)
            _ = try await client.json(.post, "/api/v1/custom_field/lead/", key: key, #"{"name": "Tier", "type": "text"}"#)
            let list = try await client.json(.get, "/api/v1/lead/", key: key).value
            #expect(list["has_more"] == .bool(false))
            #expect(list["total_results"] == .int(1))
            let contact = list["data"]?.arrayValue.first?["contacts"]?.arrayValue.first
            #expect(contact?["emails"]?.arrayValue.first?["is_unsubscribed"] == .bool(false))
            let fields = try await client.json(.get, "/api/v1/custom_field/lead/", key: key).value
            #expect(fields["data"]?.arrayValue.first?["accepts_multiple_values"] == .bool(false))
            #expect(fields["has_more"] == .bool(false))
            let opportunity = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": 1234, "confidence": 40}"#).value
            #expect(opportunity["value"] == .int(1234) && opportunity["confidence"] == .int(40))
            #expect(opportunity["expected_value"] == .int(493))
        }
    }

    @Test func fieldsCutEveryResourceOnEveryMethod() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let checks: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/status/lead/?_fields=id,label", nil),
                (.get, "/api/v1/pipeline/?_fields=id,name", nil),
                (.post, "/api/v1/status/lead/?_fields=id,label", #"{"label": "Hot"}"#),
                (.post, "/api/v1/pipeline/?_fields=id,name", #"{"name": "Big"}"#),
                (.post, "/api/v1/custom_field/contact/?_fields=id,name", #"{"name": "Size", "type": "number"}"#),
                (.post, "/api/v1/contact/?_fields=id,name", #"{"name": "Solo"}"#),
                (.post, "/api/v1/opportunity/?_fields=id,name", #"{"note": "x"}"#),
                (.get, "/api/v1/user/?_fields=id,name", nil),
                (.get, "/api/v1/organization/\(env.organizationID)/?_fields=id,name", nil),
                (.put, "/api/v1/organization/\(env.organizationID)/?_fields=id,name", #"{"name": "Acme Sales"}"#),
            ]
            for (method, uri, body) in checks {
                let response = try await client.json(method, uri, key: key, body)
                #expect(response.status == .ok, "\(uri)")
                let objects = (response.json["data"] as? [[String: Any]]) ?? [response.json]
                #expect(!objects.isEmpty, "\(uri)")
                for object in objects {
                    #expect(Set(object.keys).isSubset(of: ["id", "label", "name"]) && object["id"] != nil, "\(uri): \(object.keys.sorted())")
                }
            }
        }
    }

    @Test func otherOrganizationsIdsAre404Everywhere() async throws {
        let env = try await TestEnvironment.make()
        let rival = try await env.otherOrganization()
        let key = env.secret
        try await env.withApp { client in
            let theirs = rival.secret
            let opportunity = try #require(try await client.json(.post, "/api/v1/opportunity/", key: theirs, #"{"note": "theirs"}"#).json["id"] as? String)
            let status = try #require(try await client.json(.post, "/api/v1/status/lead/", key: theirs, #"{"label": "Theirs"}"#).json["id"] as? String)
            let pipeline = try #require(try await client.json(.post, "/api/v1/pipeline/", key: theirs, #"{"name": "Theirs"}"#).json["id"] as? String)
            let field = try #require(try await client.json(.post, "/api/v1/custom_field/lead/", key: theirs, #"{"name": "Theirs", "type": "text"}"#).json["id"] as? String)
            for uri in ["/api/v1/opportunity/\(opportunity)/", "/api/v1/status/lead/\(status)/", "/api/v1/pipeline/\(pipeline)/",
                        "/api/v1/custom_field/lead/\(field)/", "/api/v1/user/\(rival.key.userID)/"] {
                let read = try await client.json(.get, uri, key: key)
                #expect(read.status == .notFound, "\(uri)")
                #expect(read.json["error"] is String)
                if !uri.contains("/user/") {
                    #expect(try await client.json(.delete, uri, key: key).status == .notFound, "DELETE \(uri)")
                }
            }
            #expect(try await client.json(.put, "/api/v1/opportunity/\(opportunity)/", key: key, #"{"note": "mine"}"#).status == .notFound)
            // Still theirs, unchanged.
            #expect(try await client.json(.get, "/api/v1/opportunity/\(opportunity)/", key: theirs).json["note"] as? String == "theirs")
        }
    }

    @Test func opportunityListAnswersAirbyteAndCloseioQueries() async throws {
        let env = try await TestEnvironment.make()
        let member = try await env.member(email: "bob@example.com", role: "user")
        let key = env.secret
        try await env.withApp { client in
            let start = CloseTimestamp.now().iso8601.replacingOccurrences(of: "+", with: "%2B")
            var ids: [String] = []
            for (value, period, confidence, note) in [(1000, "monthly", 10, "small monthly"), (5000, "one_time", 90, "important one"),
                                                      (3000, "annual", 50, "annual deal")] {
                let created = try await client.json(.post, "/api/v1/opportunity/", key: key, #"""
                    {"value": \#(value), "value_period": "\#(period)", "confidence": \#(confidence), "note": "\#(note)"}
                    """#)
                ids.append(try #require(created.json["id"] as? String))
            }
            _ = try await client.json(.put, "/api/v1/opportunity/\(ids[2])/", key: key, #"{"user_id": "\#(member.userID)"}"#)
            func order(_ query: String) async throws -> [String] {
                let page = try await client.json(.get, "/api/v1/opportunity/?\(query)", key: key)
                #expect(page.status == .ok, "\(query)")
                return (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            // Airbyte: ascending date_updated from its state; the one updated last comes last.
            #expect(try await order("_limit=250&_order_by=date_updated&date_updated__gte=\(start)").last == ids[2])
            // annualized: 12,000 (monthly 1,000), 5,000, 3,000; expected: 1,200, 4,500, 1,500.
            #expect(try await order("_order_by=-annualized_value") == [ids[0], ids[1], ids[2]])
            #expect(try await order("_order_by=-annualized_expected_value") == [ids[1], ids[2], ids[0]])
            #expect(try await order("_order_by=user_name") == [ids[0], ids[1], ids[2]])
            #expect(try await order("_order_by=-user_name").first == ids[2])
            #expect(try await order("user_id__in=\(member.userID)") == [ids[2]])
            #expect(try await order("status_label__in=Active,Won").count == 3)
            #expect(try await order("value_period__in=annual,monthly&_order_by=value") == [ids[0], ids[2]])
            #expect(try await order("query=note:important") == [ids[1]])
            #expect(try await order("query=deal") == [ids[2]])
            for bad in ["_group_by=user_id", "is_stalled=true", "query=status:won", "_order_by=color"] {
                let response = try await client.json(.get, "/api/v1/opportunity/?\(bad)", key: key)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.json["error"] is String)
            }
        }
    }

    @Test func dateLostIsFilledOnLosingAndKept() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"note": "x"}"#).json
            #expect(created["date_lost"] is NSNull)
            let id = try #require(created["id"] as? String)
            let today = String(CloseTimestamp.now().iso8601.prefix(10))
            let lost = try await client.json(.put, "/api/v1/opportunity/\(id)/", key: key, #"{"status": "Lost"}"#).json
            #expect(lost["status_type"] as? String == "lost" && lost["date_lost"] as? String == today)
            let revived = try await client.json(.put, "/api/v1/opportunity/\(id)/", key: key, #"{"status": "Active"}"#).json
            #expect(revived["date_lost"] as? String == today)
            let bornLost = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"status": "Lost"}"#).json
            #expect(bornLost["date_lost"] as? String == today && bornLost["date_won"] is NSNull)
            let lostToday = try await client.json(.get, "/api/v1/opportunity/?date_lost__gte=\(today)", key: key).json
            #expect(lostToday["total_results"] as? Int == 2)
            let lostLater = try await client.json(.get, "/api/v1/opportunity/?date_lost__gt=\(today)", key: key).json
            #expect(lostLater["total_results"] as? Int == 0)
        }
    }

    /// Amounts that would overflow when annualized or summed are refused, not a crash of the server.
    @Test func amountsBeyondTheBoundAreRefused() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for value in ["9223372036854775807", "-9223372036854775808", "1000000000000001"] {
                let response = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": \#(value), "value_period": "monthly"}"#)
                #expect(response.status == .badRequest, "\(value)")
                #expect((response.json["field-errors"] as? [String: String])?["value"] != nil)
            }
            let largest = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": 1000000000000000, "value_period": "monthly", "confidence": 100}"#)
            #expect(largest.json["annualized_value"] as? Int == 12_000_000_000_000_000)
            _ = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": 1000000000000000, "value_period": "monthly", "confidence": 100}"#)
            let list = try await client.json(.get, "/api/v1/opportunity/", key: key)
            #expect(list.status == .ok && list.json["total_value_annualized"] as? Int == 24_000_000_000_000_000)
        }
    }

    @Test func contactsStandingAloneHaveCloseShapeAndPage() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let created = try await client.json(.post, "/api/v1/contact/", key: key, #"{"name": "Page 0", "title": "CTO"}"#)
            #expect(Set(created.json.keys) == LeadAPITests.contactKeys)
            let id = try #require(created.json["id"] as? String)
            #expect(Set(try await client.json(.get, "/api/v1/contact/\(id)/", key: key).json.keys) == LeadAPITests.contactKeys)
            let updated = try await client.json(.put, "/api/v1/contact/\(id)/", key: key, #"{"title": "CEO"}"#).json
            #expect(Set(updated.keys) == LeadAPITests.contactKeys && updated["title"] as? String == "CEO")
            for n in 1..<5 { _ = try await client.json(.post, "/api/v1/contact/", key: key, #"{"name": "Page \#(n)"}"#) }
            var names: [String] = []
            var skip = 0
            while true {
                let page = try await client.json(.get, "/api/v1/contact/?_skip=\(skip)&_limit=2", key: key).json
                #expect(page["total_results"] as? Int == 5)
                names += (page["data"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                guard page["has_more"] as? Bool == true else { break }
                skip += 2
            }
            #expect(names == (0..<5).map { "Page \($0)" })
        }
    }

    @Test func mergeRefusesWhatItCannotMerge() async throws {
        let env = try await TestEnvironment.make()
        let rival = try await env.otherOrganization()
        let key = env.secret
        try await env.withApp { client in
            let mine = try #require(try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Mine"}"#).json["id"] as? String)
            let theirs = try #require(try await client.json(.post, "/api/v1/lead/", key: rival.secret, #"{"name": "Theirs"}"#).json["id"] as? String)
            let missing = try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(mine)"}"#)
            #expect(missing.status == .badRequest && missing.json["field-errors"] != nil)
            #expect(try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(mine)", "destination": "\#(mine)"}"#).status == .badRequest)
            #expect(try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(theirs)", "destination": "\#(mine)"}"#).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/lead/merge/", key: key, #"{"source": "\#(mine)", "destination": "lead_nope"}"#).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/lead/\(theirs)/", key: rival.secret).status == .ok)
            #expect(try await client.json(.get, "/api/v1/lead/\(mine)/", key: key).status == .ok)
        }
    }

    @Test func leadListsAllowAThousandPerPage() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for n in 0..<3 { _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "L\#(n)"}"#) }
            let page = try await client.json(.get, "/api/v1/lead/?_limit=1000", key: key)
            #expect(page.status == .ok && (page.json["data"] as? [Any])?.count == 3 && page.json["has_more"] as? Bool == false)
        }
    }
}

extension TestResponse {
    /// The body parsed by Closr's own parser, which keeps `true` apart from `1` and `25` apart from `25.0`.
    var value: JSONValue { (try? JSONValue(parsing: Array(body.readableBytesView))) ?? .null }
}

extension JSONValue {
    var arrayValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

extension Optional where Wrapped == JSONValue {
    subscript(key: String) -> JSONValue? { self?[key] }
}
