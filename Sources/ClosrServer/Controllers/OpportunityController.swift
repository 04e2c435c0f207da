import Foundation
import ClosrCore
import ClosrModel
import Hummingbird

/// `/opportunity/` and `/opportunity/{id}/` (close-api.md §7), with the list's filters and aggregates.
struct OpportunityController {
    let opportunities: OpportunityService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("opportunity", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            let (items, total, aggregates) = try await opportunities.list(try Self.filter(request), skip: list.skip, limit: list.limit, in: principal.scope)
            return JSONResponse.make(json: list.write(items, total: total, fields: FieldSelection(request).fields, extra: aggregates))
        }
        routes.on("opportunity", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let opportunity = try await opportunities.create(body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, opportunity)
        }
        routes.on("opportunity/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let opportunity = try await opportunities.get(id: try context.parameters.require("id"), in: principal.scope)
            return JSONResponse.make(fieldsOf: request, opportunity)
        }
        routes.on("opportunity/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let opportunity = try await opportunities.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, opportunity)
        }
        routes.on("opportunity/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await opportunities.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }

    static func filter(_ request: Request) throws -> OpportunityService.Filter {
        let query = QueryParameters(request)
        func value(_ name: String) -> String? { query.nonEmpty(name) }
        func list(_ name: String) -> [String]? {
            if let many = value(name + "__in") { return many.split(separator: ",").map(String.init) }
            return value(name).map { [$0] }
        }
        var filter = OpportunityService.Filter()
        filter.leadID = value("lead_id")
        filter.userIDs = list("user_id")
        filter.statusIDs = list("status_id")
        filter.statusTypes = list("status_type")
        filter.statusLabels = list("status_label")
        filter.valuePeriods = list("value_period")
        filter.dateRanges = try DateBounds.parse(["date_won", "date_lost", "date_created", "date_updated"], query.nonEmpty)
        for unsupported in ["_group_by", "lead_saved_search_id", "is_stalled"] where value(unsupported) != nil {
            throw CloseError.badRequest("\(unsupported) is not supported by Closr yet.")
        }
        if let text = value("query"), text.utf8.count > OpportunityService.maxQueryLength {
            // SQLite refuses a LIKE pattern over 50,000 bytes ("LIKE pattern too complex") as a 500.
            throw CloseError.badRequest("Invalid query: it is \(text.utf8.count) bytes long; the limit is \(OpportunityService.maxQueryLength)")
        }
        if let text = value("query")?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            var search = text
            if search.lowercased().hasPrefix("note:") { search = String(search.dropFirst(5)) }
            search = search.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            guard !search.contains(":"), !search.isEmpty else {
                throw CloseError.badRequest("Invalid query: opportunities can be searched by note only (note:\"text\" or words).")
            }
            filter.noteContains = search
        }
        for field in (value("_order_by") ?? "").split(separator: ",") {
            let descending = field.hasPrefix("-")
            let column = String(descending ? field.dropFirst() : field)
            guard OpportunityService.orderableColumns.contains(column) else {
                throw CloseError.badRequest("Cannot order opportunities by '\(column)'")
            }
            // Repeating a column cannot change the order; 5,000 repeats made a statement SQLite refused.
            if !filter.orderBy.contains(where: { $0.column == column }) { filter.orderBy.append((column, descending)) }
        }
        return filter
    }
}
