import ClosrCore
import ClosrModel
import Hummingbird

/// `/activity/` and each type's `/activity/<type>/` and `/activity/<type>/{id}/` (close-api-more.md §B.1),
/// with the verbs each type takes (others answer 405).
struct ActivityController {
    let activities: ActivityService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("activity", .get) { request, context in
            try await list(path: nil, request, context)
        }
        for endpoint in ActivityService.endpoints {
            let path = endpoint.path
            routes.on("activity/\(path)", .get) { request, context in
                try await list(path: path, request, context)
            }
            routes.on("activity/\(path)/:id", .get) { request, context in
                let principal = try context.requirePrincipal()
                let activity = try await activities.get(path: path, id: try context.parameters.require("id"), in: principal.scope)
                return JSONResponse.make(fieldsOf: request, activity)
            }
            if endpoint.canCreate {
                routes.on("activity/\(path)", .post) { request, context in
                    let principal = try context.requirePrincipal()
                    let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
                    let activity = try await activities.create(path: path, body, principal: principal, origin: context.origin(of: request))
                    return JSONResponse.make(fieldsOf: request, activity)
                }
            }
            if endpoint.canUpdate {
                routes.on("activity/\(path)/:id", .put) { request, context in
                    let principal = try context.requirePrincipal()
                    let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
                    let activity = try await activities.update(
                        path: path, id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request)
                    )
                    return JSONResponse.make(fieldsOf: request, activity)
                }
            }
            if endpoint.canDelete {
                routes.on("activity/\(path)/:id", .delete) { request, context in
                    let principal = try context.requirePrincipal()
                    try await activities.delete(path: path, id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
                    return JSONResponse.make(.object([]))
                }
            }
        }
    }

    private func list(path: String?, _ request: Request, _ context: ClosrRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try ListQuery(request, maxSkip: ListQuery.offsetListMaxSkip)
        let (items, hasMore) = try await activities.list(path: path, try Self.filter(request), skip: page.skip, limit: page.limit, in: principal.scope)
        return JSONResponse.make(json: page.write(items, hasMore: hasMore, fields: FieldSelection(request).fields))
    }

    static func filter(_ request: Request) throws -> ActivityService.Filter {
        let query = QueryParameters(request)
        func list(_ name: String) throws -> [String]? { try ListFilterValues.parse(name, query.nonEmpty) }
        var filter = ActivityService.Filter()
        filter.ids = try list("id")
        filter.leadIDs = try list("lead_id")
        filter.contactIDs = try list("contact_id")
        filter.userIDs = try list("user_id")
        filter.types = try list("_type")
        let related = try ["opportunity_id", "custom_activity_type_id", "form_id", "task_id"].compactMap(list).flatMap { $0 }
        guard related.count <= ListFilterValues.maxValues else { throw CloseError.badRequest("Too many ids: at most \(ListFilterValues.maxValues)") }
        filter.relatedIDs = related.isEmpty ? nil : related
        filter.dateRanges = try DateBounds.parse(ActivityService.dateColumns.sorted(), query.nonEmpty).map { ($0.column, $0.comparison, $0.value) }
        if let order = query.nonEmpty("_order_by") {
            let descending = order.hasPrefix("-")
            let column = String(descending ? order.dropFirst() : order[...])
            guard ActivityService.dateColumns.contains(column) else {
                throw CloseError.badRequest("Cannot order activities by '\(column)': use date_created, activity_at or date_updated, with - for newest first")
            }
            filter.orderColumn = column
            filter.descending = descending
        }
        if let threads = query.nonEmpty("thread_emails") {
            guard ["true", "false", "only"].contains(threads) else { throw CloseError.badRequest("thread_emails must be true, false or only") }
            filter.threadEmails = threads == "false" ? nil : threads
        }
        return filter
    }
}
