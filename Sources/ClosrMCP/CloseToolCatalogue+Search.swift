import ClosrModel
import Foundation

extension CloseToolCatalogue {
    // MARK: Searching (mcp.read)

    /// `search` and `paginate_search`, Close's pair: a search answers one page of short results (title,
    /// preview, id, URL) with the total, a `cursor` and a `search_id`; `paginate_search` takes both and
    /// answers the next page. Closr keeps nothing between calls: the `search_id` carries the search itself
    /// (the tool that ran it and its query, base64url), so any node continues any search.
    static let searches: [CloseTool] = [
        CloseTool(name: "search", description: "Search leads: plain words match names, descriptions, contacts, emails and phones; Close's query language works too (name:\"Acme\", status:\"Potential\", email:…, sort:-date_updated). Returns short results (title, preview, id, URL), the total, and a cursor and search_id for paginate_search.",
                  access: .read, properties: [
            ("query", Schema.string("What to look for.")), ("limit", Schema.limit),
        ], required: ["query"]) { arguments, close in
            let search = SavedSearch(tool: .search, query: try arguments.requiredString("query", maxLength: 1000))
            return try await search.page(skip: 0, limit: try arguments.int("limit", in: 1...100) ?? 25, close: close)
        },
        CloseTool(name: "paginate_search", description: "The next page of a search or lead_search: give the cursor and the search_id it returned.", access: .read, properties: [
            ("cursor", Schema.string("The cursor the previous page returned.")), ("search_id", Schema.string("The search_id the search returned.")),
            ("smart_view_id", Schema.string("A smart view (Close's save_…): Closr has none, so this is refused.")), ("limit", Schema.limit),
        ], required: ["cursor"]) { arguments, close in
            if try arguments.string("smart_view_id", maxLength: 200) != nil {
                throw ToolError("Closr has no smart views: continue a search with the search_id that search or lead_search returned.")
            }
            guard let id = try arguments.string("search_id", maxLength: 4000) else { throw ToolError("\"search_id\" is required (the one search returned).") }
            guard let search = SavedSearch(id: id) else { throw ToolError("\"search_id\" is not one that search or lead_search returned.") }
            let skip = try cursorSkip(arguments)
            return try await search.page(skip: skip, limit: try arguments.int("limit", in: 1...100) ?? 25, close: close)
        },
    ]

    /// A cursor this catalogue returned: the offset of the next page.
    static func cursorSkip(_ arguments: ToolArguments) throws -> Int {
        try arguments.string("cursor", maxLength: 20).map { cursor in
            guard let skip = Int(cursor), skip >= 0 else { throw ToolError("\"cursor\" is not one this tool returned.") }
            return skip
        } ?? 0
    }
}

/// A lead search as its `search_id` carries it: which tool ran it (so the next page has the same shape)
/// and the query it sent to `/lead/`.
struct SavedSearch {
    enum Tool: String {
        /// Short results: title, preview, id, URL.
        case search
        /// Whole leads, as lead_search answers.
        case leads
    }

    let tool: Tool
    let query: String

    init(tool: Tool, query: String) {
        self.tool = tool
        self.query = query
    }

    /// Reads a `search_id`; nil when it is not one of ours.
    init?(id: String) {
        guard id.hasPrefix("srch_") else { return nil }
        var base64 = String(id.dropFirst(5)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
              let separator = text.firstIndex(of: "\n"), let tool = Tool(rawValue: String(text[..<separator])) else { return nil }
        self.init(tool: tool, query: String(text[text.index(after: separator)...]))
    }

    var id: String {
        "srch_" + Data((tool.rawValue + "\n" + query).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func page(skip: Int, limit: Int, close: any CloseAPI) async throws -> ToolOutput {
        let page = try await close.leads.page(skip: skip, limit: limit, query: [("query", query)])
        let next: JSONValue = page.hasMore ? .string(String(skip + page.objects.count)) : .null
        let results: JSONValue
        switch tool {
        case .leads:
            results = .object([("leads", .array(page.objects.map(\.jsonValue)))])
        case .search:
            results = .object([("results", .array(page.objects.map(Self.result)))])
        }
        var data = results.objectMembers ?? []
        data += [("total_results", page.totalResults.map(JSONValue.int) ?? .null), ("cursor", next), ("search_id", .string(id))]
        let plural = tool == .leads ? "leads" : "results"
        return ToolOutput(
            summary: "\(page.objects.count) \(plural)" + (page.totalResults.map { " of \($0)" } ?? "") + (page.hasMore ? "; more with paginate_search (cursor and search_id)." : "."),
            data: .object(data)
        )
    }

    /// One short result: what a person scanning a list needs, and the id to fetch the rest.
    static func result(_ lead: Lead) -> JSONValue {
        let contact = lead.contacts.first
        let preview = [lead.statusLabel, contact.map { $0.name }, contact?.emails.first?.email, contact?.phones.first?.phone, lead.url]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        return .object([
            ("id", .string(lead.id)), ("object_type", "lead"), ("title", .string(lead.displayName)), ("preview", .string(preview)),
            ("url", .string(Lead.htmlPath(id: lead.id))), ("date_updated", .timestamp(lead.dateUpdated)),
        ])
    }
}
