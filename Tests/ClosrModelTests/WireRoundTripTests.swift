import Foundation
import Testing

@testable import ClosrModel

/// What the server writes, the SDK can read back.
@Suite struct WireRoundTripTests {
    static let t0 = CloseTimestamp(microseconds: 1_709_301_909_123_456)

    static var me: Me {
        let membership = Membership(
            id: "memb_1", organizationID: "orga_1", userID: "user_1", userFullName: "Ada Lovelace",
            userEmail: "ada@example.com", roleID: "admin", dateCreated: t0, dateUpdated: t0
        )
        let organization = Organization(
            id: "orga_1", name: "Acme", currency: "USD", dateCreated: t0, dateUpdated: t0,
            leadStatuses: [StatusSummary(id: "stat_1", label: "Potential")],
            opportunityStatuses: [StatusSummary(id: "stat_2", label: "Won", type: "won")], memberships: [membership]
        )
        let user = User(id: "user_1", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", dateCreated: t0, dateUpdated: t0)
        return Me(user: user, organizations: [organization], memberships: [membership])
    }

    @Test func meRoundTripsWithSummaryOrganizations() throws {
        let data = Data(Self.me.jsonValue.serialized())
        let decoded = try JSONDecoder().decode(Me.self, from: data)
        #expect(decoded.user == Self.me.user)
        #expect(decoded.memberships == Self.me.memberships)
        #expect(decoded.organizations[0].memberships.isEmpty)
        #expect(decoded.organizations[0].opportunityStatuses == Self.me.organizations[0].opportunityStatuses)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let organization = try #require((object["organizations"] as? [[String: Any]])?.first)
        #expect(organization["memberships"] == nil)
        #expect(object["image"] is NSNull)
    }

    @Test func organizationRoundTripsWithMemberships() throws {
        let organization = Self.me.organizations[0]
        let decoded = try JSONDecoder().decode(Organization.self, from: Data(organization.jsonValue.serialized()))
        #expect(decoded == organization)
    }

    @Test func encodableConformanceMatchesTheSerializer() throws {
        let viaEncoder = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.me)) as? NSDictionary
        let viaSerializer = try JSONSerialization.jsonObject(with: Data(Self.me.jsonValue.serialized())) as? NSDictionary
        #expect(viaEncoder == viaSerializer)
    }

    @Test func doublesAndNonFiniteNumbers() {
        #expect(String(decoding: JSONValue.double(2).serialized(), as: UTF8.self) == "2")
        #expect(String(decoding: JSONValue.double(2.5).serialized(), as: UTF8.self) == "2.5")
        #expect(String(decoding: JSONValue.double(.infinity).serialized(), as: UTF8.self) == "null")
    }
}
