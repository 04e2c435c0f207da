import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// `/opportunity/`, `/contact/`, `/status/…/`, `/pipeline/` and `/user/` against close-api.md §6–§8, §12.
@Suite struct OpportunityAndStatusAPITests {
    static let opportunityKeys: Set<String> = [
        "id", "organization_id", "lead_id", "lead_name", "status_id", "status_label", "status_display_name",
        "status_type", "pipeline_id", "pipeline_name", "value", "value_period", "value_currency", "value_formatted",
        "annualized_value", "expected_value", "annualized_expected_value", "confidence", "note", "date_won",
        "date_lost", "user_id", "user_name", "contact_id", "contact_name", "created_by", "created_by_name",
        "updated_by", "updated_by_name", "date_created", "date_updated", "integration_links", "attachments",
    ]

    @Test func opportunitiesCarryMoneyInCentsAndStatusDetail() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Deal Co", "contacts": [{"name": "Ada"}]}"#).json
            let leadID = try #require(lead["id"] as? String)
            let contactID = try #require((lead["contacts"] as? [[String: Any]])?.first?["id"] as? String)
            let created = try await client.json(.post, "/api/v1/opportunity/", key: key, #"""
                {"lead_id": "\#(leadID)", "value": 500000, "value_period": "monthly", "confidence": 50,
                 "note": "Big deal", "contact_id": "\#(contactID)"}
                """#)
            #expect(created.status == .ok)
            let opportunity = created.json
            #expect(Set(opportunity.keys) == Self.opportunityKeys)
            #expect((opportunity["id"] as? String)?.hasPrefix("oppo_") == true)
            #expect(opportunity["lead_name"] as? String == "Deal Co")
            #expect(opportunity["status_label"] as? String == "Active" && opportunity["status_type"] as? String == "active")
            #expect(opportunity["pipeline_name"] as? String == "Sales")
            #expect(opportunity["value"] as? Int == 500000 && opportunity["value_currency"] as? String == "USD")
            #expect(opportunity["value_formatted"] as? String == "$5,000 monthly")
            #expect(opportunity["annualized_value"] as? Int == 6_000_000)
            #expect(opportunity["expected_value"] as? Int == 250_000)
            #expect(opportunity["annualized_expected_value"] as? Int == 3_000_000)
            #expect(opportunity["date_won"] is NSNull)
            #expect(opportunity["user_id"] as? String == env.bootstrapKey.key.userID && opportunity["user_name"] as? String == "Ada")
            #expect(opportunity["contact_id"] as? String == contactID && opportunity["contact_name"] as? String == "Ada")
            let id = try #require(opportunity["id"] as? String)

            let won = try await client.json(.put, "/api/v1/opportunity/\(id)/", key: key, #"{"status": "Won"}"#)
            #expect(won.json["status_type"] as? String == "won")
            let today = String(CloseTimestamp.now().iso8601.prefix(10))
            #expect(won.json["date_won"] as? String == today)
            #expect(won.json["confidence"] as? Int == 50)
            let lost = try await client.json(.put, "/api/v1/opportunity/\(id)/", key: key, #"{"status": "Lost"}"#)
            #expect(lost.json["date_won"] as? String == today, "leaving won does not clear date_won")

            for (body, field) in [(#"{"confidence": 101}"#, "confidence"), (#"{"value_period": "weekly"}"#, "value_period"),
                                  (#"{"status_id": "stat_nope"}"#, "status_id"), (#"{"value": "lots"}"#, "value"),
                                  (#"{"user_id": "user_stranger"}"#, "user_id"), (#"{"date_won": "someday"}"#, "date_won")] {
                let response = try await client.json(.put, "/api/v1/opportunity/\(id)/", key: key, body)
                #expect(response.status == .badRequest, "\(body)")
                #expect((response.json["field-errors"] as? [String: String])?[field] != nil, "\(body)")
            }
            let untitled = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"value": 100, "value_period": "annual"}"#)
            #expect(untitled.json["lead_name"] as? String == "Untitled")
        }
    }

    @Test func opportunityListFiltersOrdersAndAggregatesOverAllMatches() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let lead = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Pipeline Co"}"#).json
            let leadID = try #require(lead["id"] as? String)
            for (value, period, confidence, status) in [(10000, "one_time", 50, "Active"), (500000, "monthly", 50, "Won"), (120000, "annual", 50, "Lost")] {
                _ = try await client.json(.post, "/api/v1/opportunity/", key: key, #"""
                    {"lead_id": "\#(leadID)", "value": \#(value), "value_period": "\#(period)", "confidence": \#(confidence), "status": "\#(status)"}
                    """#)
            }
            let page = try await client.json(.get, "/api/v1/opportunity/?lead_id=\(leadID)&_limit=1&_order_by=-value", key: key).json
            #expect(page["total_results"] as? Int == 3 && page["has_more"] as? Bool == true)
            #expect((page["data"] as? [[String: Any]])?.first?["value"] as? Int == 500000)
            #expect(page["count_by_value_period"] as? NSDictionary == ["one_time": 1, "monthly": 1, "annual": 1])
            #expect(page["total_value_one_time"] as? Int == 10000)
            #expect(page["total_value_monthly"] as? Int == 500000)
            #expect(page["total_value_annual"] as? Int == 120000)
            #expect(page["total_value_annualized"] as? Int == 6_130_000)
            #expect(page["expected_value_annualized"] as? Int == 3_065_000)
            let won = try await client.json(.get, "/api/v1/opportunity/?status_type=won", key: key).json
            #expect(won["total_results"] as? Int == 1)
            let openOrWon = try await client.json(.get, "/api/v1/opportunity/?status_type__in=active,won&value_period=monthly", key: key).json
            #expect(openOrWon["total_results"] as? Int == 1)
            let future = try await client.json(.get, "/api/v1/opportunity/?date_created__gt=2999-01-01", key: key).json
            #expect(future["total_results"] as? Int == 0)
            #expect(try await client.json(.get, "/api/v1/opportunity/?_order_by=color", key: key).status == .badRequest)
            #expect(try await client.json(.get, "/api/v1/opportunity/?date_won__gte=soon", key: key).status == .badRequest)
        }
    }

    @Test func contactsStandAloneAndFilterByLead() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let orphan = try await client.json(.post, "/api/v1/contact/", key: key, #"{"name": "Lone Ranger", "emails": [{"email": "lone@example.com", "type": "home"}]}"#)
            #expect(orphan.status == .ok)
            let leadID = try #require(orphan.json["lead_id"] as? String)
            let lead = try await client.json(.get, "/api/v1/lead/\(leadID)/", key: key).json
            #expect(lead["name"] as? String == "Lone Ranger" && lead["display_name"] as? String == "Lone Ranger")
            let second = try await client.json(.post, "/api/v1/contact/", key: key, #"{"lead_id": "\#(leadID)", "name": "Tonto"}"#)
            let listed = try await client.json(.get, "/api/v1/contact/?lead_id=\(leadID)", key: key).json
            #expect((listed["data"] as? [[String: Any]])?.map { $0["name"] as! String } == ["Lone Ranger", "Tonto"])
            let id = try #require(second.json["id"] as? String)
            let changed = try await client.json(.put, "/api/v1/contact/\(id)/", key: key, #"{"urls": [{"url": "https://tonto.example"}]}"#)
            #expect(changed.json["name"] as? String == "Tonto")
            #expect(changed.json["urls"] as? [NSDictionary] == [["type": "url", "url": "https://tonto.example"]])
            #expect(try await client.json(.delete, "/api/v1/contact/\(id)/", key: key).text == "{}")
            #expect(try await client.json(.get, "/api/v1/contact/\(id)/", key: key).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/contact/", key: key, #"{"lead_id": "lead_nope"}"#).status == .badRequest)
        }
    }

    @Test func statusesAndPipelinesStartAsCloseDoesAndChange() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            let leadStatuses = try await client.json(.get, "/api/v1/status/lead/", key: key).json
            let labels = (leadStatuses["data"] as? [[String: Any]])?.map { $0["label"] as! String }
            #expect(labels == ["Potential", "Bad Fit", "Qualified", "Customer"])
            #expect(Set(((leadStatuses["data"] as? [[String: Any]])?.first ?? [:]).keys) == ["id", "label", "organization_id", "date_created", "date_updated"])
            let opportunityStatuses = try await client.json(.get, "/api/v1/status/opportunity/", key: key).json
            let first = try #require((opportunityStatuses["data"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == ["id", "label", "type", "pipeline_id", "organization_id", "date_created", "date_updated"])
            let pipelines = try await client.json(.get, "/api/v1/pipeline/", key: key).json
            let sales = try #require((pipelines["data"] as? [[String: Any]])?.first)
            #expect(sales["name"] as? String == "Sales")
            #expect((sales["statuses"] as? [[String: Any]])?.map { $0["type"] as! String } == ["active", "won", "lost"])
            #expect(first["pipeline_id"] as? String == sales["id"] as? String)

            let created = try await client.json(.post, "/api/v1/status/opportunity/", key: key, #"{"label": "Negotiation", "type": "active"}"#)
            #expect(created.json["pipeline_id"] as? String == sales["id"] as? String)
            #expect(try await client.json(.post, "/api/v1/status/opportunity/", key: key, #"{"label": "Odd", "type": "weird"}"#).status == .badRequest)
            let renamed = try await client.json(.put, "/api/v1/status/opportunity/\(created.json["id"] as! String)/", key: key, #"{"label": "Negotiating"}"#)
            #expect(renamed.json["label"] as? String == "Negotiating")

            let potential = try #require((leadStatuses["data"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await client.json(.post, "/api/v1/lead/", key: key, #"{"name": "Uses Potential"}"#)
            let inUse = try await client.json(.delete, "/api/v1/status/lead/\(potential)/", key: key)
            #expect(inUse.status == .badRequest)

            let pipeline = try await client.json(.post, "/api/v1/pipeline/", key: key, #"{"name": "Enterprise"}"#)
            let pipelineID = try #require(pipeline.json["id"] as? String)
            #expect(try await client.json(.put, "/api/v1/pipeline/\(pipelineID)/", key: key, #"{"name": "Big Deals"}"#).json["name"] as? String == "Big Deals")
            #expect(try await client.json(.delete, "/api/v1/pipeline/\(pipelineID)/", key: key).text == "{}")

            // /me/ shows the statuses too, and picks up a new one at once.
            let me = try await client.json(.get, "/api/v1/me/", key: key).json
            let organization = try #require((me["organizations"] as? [[String: Any]])?.first)
            #expect((organization["opportunity_statuses"] as? [[String: Any]])?.contains { $0["label"] as? String == "Negotiating" } == true)
        }
    }

    @Test func usersAreTheOrganizationsMembers() async throws {
        let env = try await TestEnvironment.make()
        let member = try await env.member(email: "bob@example.com", role: "user")
        let key = env.secret
        try await env.withApp { client in
            let users = try await client.json(.get, "/api/v1/user/", key: key).json
            let data = try #require(users["data"] as? [[String: Any]])
            #expect(Set(data.compactMap { $0["email"] as? String }) == ["ada@example.com", "bob@example.com"])
            #expect(Set(data[0].keys) == ["id", "first_name", "last_name", "email", "image", "date_created", "date_updated", "last_used_timezone", "organizations"])
            #expect(data[0]["organizations"] as? [String] == [env.organizationID])
            #expect(try await client.json(.get, "/api/v1/user/\(member.userID)/", key: key).json["email"] as? String == "bob@example.com")
            #expect(try await client.json(.get, "/api/v1/user/user_stranger/", key: key).status == .notFound)

            // Ada before Bob by first name; descending, Bob first.
            let byFirst = try await client.json(.get, "/api/v1/user/?_order_by=first_name,last_name", key: key).json
            #expect((byFirst["data"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["ada@example.com", "bob@example.com"])
            let descending = try await client.json(.get, "/api/v1/user/?_order_by=-first_name,last_name", key: key).json
            #expect((descending["data"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["bob@example.com", "ada@example.com"])
            let bad = try await client.json(.get, "/api/v1/user/?_order_by=email", key: key)
            #expect(bad.status == .badRequest && (bad.json["error"] as? String)?.contains("last_name,first_name") == true)
        }
    }

    /// `date_won` is filled with today where the caller is, from closeio's `X-TZ-Offset` header (hours).
    @Test func dateWonIsTodayInTheCallersTimezone() async throws {
        let env = try await TestEnvironment.make()
        let key = env.secret
        try await env.withApp { client in
            for hours in ["14", "-12.0", "5.5"] {
                let offset = Int((Double(hours)! * 3600).rounded())
                let before = String(CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64(offset) * 1_000_000).iso8601.prefix(10))
                let won = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"status": "Won", "value": 100}"#,
                                                headers: [HTTPField.Name("X-TZ-Offset")!: hours])
                let after = String(CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64(offset) * 1_000_000).iso8601.prefix(10))
                #expect(won.status == .ok)
                #expect([before, after].contains(won.json["date_won"] as? String ?? ""), "X-TZ-Offset: \(hours)")
            }
            // Fourteen hours east and twelve west of UTC are never the same day.
            let east = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"status": "Won"}"#, headers: [HTTPField.Name("X-TZ-Offset")!: "14"])
            let west = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"status": "Won"}"#, headers: [HTTPField.Name("X-TZ-Offset")!: "-12"])
            #expect(east.json["date_won"] as? String != west.json["date_won"] as? String)
            let ignored = try await client.json(.post, "/api/v1/opportunity/", key: key, #"{"status": "Won"}"#, headers: [HTTPField.Name("X-TZ-Offset")!: "lunch"])
            #expect(ignored.json["date_won"] as? String == String(CloseTimestamp.now().iso8601.prefix(10)))
        }
    }
}
