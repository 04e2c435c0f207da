import ClosrModel
import SQLKit

/// The web tracker's page views: recorded from `POST /api/tracker/page_view/`, listed by lead or visitor
/// through `GET /api/v1/page_view/`. A view belongs to an anonymous visitor id (a first-party cookie on
/// the site); the lead it becomes is whatever inbound post carried that id (`visitor_leads`), so views
/// before and after the post are the lead's without any row being rewritten.
public struct PageViewService: Sendable {
    public init() {}

    /// A view as the tracker posts it.
    public struct Input: Sendable {
        public var visitorID: String
        public var url: String
        public var referrer: String?
        public var title: String?

        /// Reads and validates `{"visitor_id", "url", "referrer", "title"}`.
        public init(_ body: JSONValue) throws {
            var reader = try BodyReader(body)
            let visitorID = reader.string("visitor_id", maxLength: 64)
            let url = reader.string("url", maxLength: 2000)
            referrer = reader.string("referrer", maxLength: 2000).flatMap { $0.isEmpty ? nil : $0 }
            title = reader.string("title", maxLength: 500).flatMap { $0.isEmpty ? nil : $0 }
            if !reader.has("visitor_id") {
                reader.fail("visitor_id", "This field is required: the tracker's anonymous visitor id.")
            } else if let visitorID, !PageViewService.isVisitorID(visitorID) {
                reader.fail("visitor_id", "Expected 16 to 64 letters, digits, - or _.")
            }
            if !reader.has("url") {
                reader.fail("url", "This field is required: the page's address.")
            } else if let url, !(url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")) {
                reader.fail("url", "Expected an http or https address.")
            }
            try reader.validate()
            self.visitorID = visitorID ?? ""
            self.url = url ?? ""
        }
    }

    /// The tracker's visitor ids: 16 to 64 of `A-Z a-z 0-9 - _`.
    public static func isVisitorID(_ text: String) -> Bool {
        (16...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
        }
    }

    /// Stores one view; returns its id once committed.
    public func record(_ view: Input, ip: String?, userAgent: String?, in scope: OrgScope) async throws -> String {
        let id = ClosrID.make(.pageView)
        try await scope.insert([scope.row(into: .pageViews, [
            ("id", id), ("visitor_id", view.visitorID), ("url", view.url), ("referrer", view.referrer), ("title", view.title),
            ("ip_address", ip), ("user_agent", userAgent.map { String($0.prefix(1000)) }), ("date_created", CloseTimestamp.now().microseconds),
        ])])
        return id
    }

    /// A page of views, newest first: of one lead's visitors, of one visitor, or of the organization.
    public func list(leadID: String?, visitorID: String?, skip: Int, limit: Int, in scope: OrgScope) async throws -> (views: [PageView], hasMore: Bool) {
        try await scope.read { db in
            var select = db.select(from: .pageViews).column("*")
            if let leadID {
                let visitors = try await db.select(from: .visitorLeads).column("visitor_id").where("lead_id", .equal, leadID)
                    .all(decodingColumn: "visitor_id", as: String.self)
                guard !visitors.isEmpty else { return ([], false) }
                select = select.where("visitor_id", .in, Array(Set(visitors)))
            }
            if let visitorID { select = select.where("visitor_id", .equal, visitorID) }
            let rows = try await select.orderBy("date_created", .descending).orderBy("id", .descending).offset(skip).limit(limit + 1).all(Row.self)
            let page = rows.prefix(limit)
            var leads: [String: String] = [:]
            if let leadID {
                for row in page { leads[row.visitorID] = leadID }
            } else if !page.isEmpty {
                let links = try await db.select(from: .visitorLeads).column("visitor_id").column("lead_id")
                    .where("visitor_id", .in, Array(Set(page.map(\.visitorID)))).orderBy("date_created").orderBy("id").all(Link.self)
                for link in links { leads[link.visitorID] = link.leadID }
            }
            let views = page.map { row in
                PageView(
                    id: row.id, organizationID: db.organizationID, visitorID: row.visitorID, leadID: leads[row.visitorID], url: row.url,
                    referrer: row.referrer, title: row.title, ipAddress: row.ipAddress, userAgent: row.userAgent,
                    dateCreated: CloseTimestamp(microseconds: row.dateCreated)
                )
            }
            return (views, rows.count > limit)
        }
    }

    private struct Row: ColumnDecodable {
        let id: String, visitorID: String, url: String, referrer: String?, title: String?, ipAddress: String?, userAgent: String?
        let dateCreated: Int64

        init(_ columns: RowColumns) throws {
            id = try columns.string("id")
            visitorID = try columns.string("visitor_id")
            url = try columns.string("url")
            referrer = try columns.optionalString("referrer")
            title = try columns.optionalString("title")
            ipAddress = try columns.optionalString("ip_address")
            userAgent = try columns.optionalString("user_agent")
            dateCreated = try columns.int64("date_created")
        }
    }

    private struct Link: ColumnDecodable {
        let visitorID: String, leadID: String

        init(_ columns: RowColumns) throws {
            visitorID = try columns.string("visitor_id")
            leadID = try columns.string("lead_id")
        }
    }
}
