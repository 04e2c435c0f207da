import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird

/// The lead list: the query language in a search box, 50 a page, each row linking to its lead's page.
extension ConsoleController {
    /// One row of the list, from a lead narrowed by `_fields`.
    static func leadRow(_ lead: JSONValue) -> [String: Any] {
        func text(_ name: String) -> String {
            if case .string(let value)? = lead[name] { return value }
            return ""
        }
        var contacts = 0
        if case .array(let items)? = lead["contacts"] { contacts = items.count }
        return ["id": text("id"), "name": text("display_name"), "status": text("status_label"), "contacts": contacts, "updated": String(text("date_updated").prefix(10))]
    }

    /// The lead list: the query language in a search box, 50 a page.
    func leadsPage(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session) async throws -> Response {
        let query = String((request.uri.queryParameters["query"].map(String.init) ?? "").prefix(1000))
        let skip = max(0, Int(request.uri.queryParameters["skip"].map(String.init) ?? "") ?? 0)
        let pageSize = 50
        let api = api(request, context, session)
        var values: [String: Any] = ["query": query, "leads": [[String: Any]](), "total": 0]
        do {
            let page = try await api.leads.page(
                PageRequest(skip: skip, limit: pageSize, fields: ["id", "display_name", "status_label", "contacts", "date_updated"]),
                query: query.isEmpty ? [] : [("query", query)]
            )
            var leads: [JSONValue] = []
            if case .array(let items)? = page["data"] { leads = items }
            values["leads"] = leads.map(Self.leadRow)
            var total = leads.count
            if case .int(let count)? = page["total_results"] { total = count }
            values["total"] = total
            func link(_ skip: Int) -> String { "/leads?skip=\(skip)" + (query.isEmpty ? "" : "&query=" + CloseAPIDecoding.percentEncoded(query)) }
            if skip > 0 { values["previous"] = link(max(0, skip - pageSize)) }
            if page["has_more"] == .bool(true) { values["next"] = link(skip + pageSize) }
        } catch let error as CloseError where error.status == 400 {
            values["error"] = error.message
        }
        let me = try await api.me()
        return ConsolePage.page(title: "Leads", template: "leads", values, session: session, email: me.user.email)
    }
}
