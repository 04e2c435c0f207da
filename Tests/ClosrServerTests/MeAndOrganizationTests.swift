import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ClosrServer

/// `/me/` and `/organization/{id}/` field by field against close-api.md §2.3 and §12.
@Suite struct MeAndOrganizationTests {
    static var timestampPattern: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/# }

    @Test func meHasCloseShape() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let key = env.bootstrapKey.key
        try await env.withApp { client in
            let response = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let me = response.json
            #expect(Set(me.keys) == [
                "id", "first_name", "last_name", "email", "image", "date_created", "date_updated",
                "last_used_timezone", "organizations", "memberships", "email_verified_at", "phone_numbers",
            ])
            #expect(me["id"] as? String == key.userID)
            #expect((me["id"] as? String)?.hasPrefix("user_") == true)
            #expect(me["email"] as? String == "ada@example.com")
            #expect(me["first_name"] as? String == "Ada")
            #expect(me["image"] is NSNull)
            #expect((me["date_created"] as? String)?.wholeMatch(of: Self.timestampPattern) != nil)
            #expect((me["date_updated"] as? String)?.wholeMatch(of: Self.timestampPattern) != nil)
            #expect(me["phone_numbers"] as? [Any] != nil)

            let organizations = try #require(me["organizations"] as? [[String: Any]])
            #expect(organizations.count == 1)
            #expect(organizations[0]["id"] as? String == key.organizationID)
            #expect(organizations[0]["name"] as? String == "Acme Sales")
            #expect(organizations[0]["currency"] as? String == "USD")
            #expect(organizations[0]["lead_statuses"] is [Any])
            #expect(organizations[0]["opportunity_statuses"] is [Any])
            #expect(organizations[0]["memberships"] == nil)

            let memberships = try #require(me["memberships"] as? [[String: Any]])
            #expect(memberships.count == 1)
            #expect((memberships[0]["id"] as? String)?.hasPrefix("memb_") == true)
            #expect(memberships[0]["organization_id"] as? String == key.organizationID)
            #expect(memberships[0]["user_id"] as? String == key.userID)
            #expect(memberships[0]["role_id"] as? String == "admin")
        }
    }

    @Test func ownOrganizationHasCloseShape() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let key = env.bootstrapKey.key
        try await env.withApp { client in
            let response = try await client.execute(
                uri: "/api/v1/organization/\(key.organizationID)/", method: .get, headers: Credential.basic(secret)
            )
            #expect(response.status == .ok)
            let organization = response.json
            #expect(Set(organization.keys) == [
                "id", "name", "currency", "date_created", "date_updated", "lead_statuses", "opportunity_statuses",
                "memberships", "inactive_memberships",
            ])
            let memberships = try #require(organization["memberships"] as? [[String: Any]])
            #expect(memberships.count == 1)
            #expect(memberships[0]["user_full_name"] as? String == "Ada")
            #expect(memberships[0]["user_email"] as? String == "ada@example.com")
            #expect(organization["inactive_memberships"] as? [Any] != nil)
        }
    }

    @Test func otherOrganizationsAre404WhetherOrNotTheyExist() async throws {
        let env = try await TestEnvironment.make()
        let other = try await env.services.store.transaction { db in
            let now = CloseTimestamp.now().microseconds
            let id = ClosrID.make(.organization)
            try await db.insert(into: "organizations").columns("id", "name", "currency", "date_created", "date_updated")
                .values(id, "Rival", "EUR", now, now).run()
            return id
        }
        let secret = env.secret
        try await env.withApp { client in
            for id in [other, "orga_doesnotexist", "garbage"] {
                let response = try await client.execute(uri: "/api/v1/organization/\(id)/", method: .get, headers: Credential.basic(secret))
                #expect(response.status == .notFound)
                #expect(response.json["error"] as? String == "Organization not found")
                let update = try await client.execute(
                    uri: "/api/v1/organization/\(id)/", method: .put,
                    headers: Credential.basic(secret).merging([.contentType: "application/json"]),
                    body: ByteBuffer(string: #"{"name": "Mine now"}"#)
                )
                #expect(update.status == .notFound)
            }
            let name = try await env.services.store.read { db in
                try await db.select().column("name").from("organizations").where("id", .equal, other)
                    .first(decodingColumn: "name", as: String.self)
            }
            #expect(name == "Rival")
        }
    }

    @Test func updatingTheOrganizationChangesOnlyTheGivenFields() async throws {
        let env = try await TestEnvironment.make()
        let secret = env.secret
        let organizationID = env.organizationID
        try await env.withApp { client in
            // Fill the /me/ view cache before the change.
            _ = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            let headers = Credential.basic(secret).merging([.contentType: "application/json"])
            let renamed = try await client.execute(
                uri: "/api/v1/organization/\(organizationID)/", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"name": "  Acme Corp  "}"#)
            )
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] as? String == "Acme Corp")
            #expect(renamed.json["currency"] as? String == "USD")
            let invalid = try await client.execute(
                uri: "/api/v1/organization/\(organizationID)/", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"name": "", "currency": "dollars"}"#)
            )
            #expect(invalid.status == .badRequest)
            let fieldErrors = try #require(invalid.json["field-errors"] as? [String: String])
            #expect(Set(fieldErrors.keys) == ["name", "currency"])
            let reread = try await client.execute(uri: "/api/v1/organization/\(organizationID)/", method: .get, headers: Credential.basic(secret))
            #expect(reread.json["name"] as? String == "Acme Corp")
            // /me/ is served from a cached view; a change made through the API shows at once.
            let me = try await client.execute(uri: "/api/v1/me/", method: .get, headers: Credential.basic(secret))
            let organizations = me.json["organizations"] as? [[String: Any]]
            #expect(organizations?.first?["name"] as? String == "Acme Corp")
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
