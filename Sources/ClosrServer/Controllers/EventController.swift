import ClosrCore
import ClosrModel
import Hummingbird

/// `GET /api/v1/event/` and `/event/{id}/`: the event log, newest first, paged by `_cursor`
/// (close-api.md §13). Includes the audit trail of API keys (`object_type=api_key`).
struct EventController {
    let events: EventLog

    func addRoutes(to routes: CloseRoutes) {
        routes.on("event", .get) { request, context in
            let principal = try context.requirePrincipal()
            let page = try await events.list(try Self.filter(request), for: principal)
            return JSONResponse.make(.object([
                ("data", .array(page.events)),
                ("cursor_next", .string(page.cursorNext)),
                ("cursor_previous", .null),
            ]))
        }
        routes.on("event/:id", .get) { _, context in
            let principal = try context.requirePrincipal()
            return JSONResponse.make(try await events.get(id: try context.parameters.require("id"), for: principal))
        }
    }

    static func filter(_ request: Request) throws -> EventLog.Filter {
        let query = QueryParameters(request)
        var filter = EventLog.Filter()
        let text = { (name: String) -> String? in query.nonEmpty(name) }
        filter.objectType = text("object_type")
        filter.objectID = text("object_id")
        filter.action = text("action")
        filter.userID = text("user_id")
        filter.requestID = text("request_id")
        filter.leadID = text("lead_id")
        filter.cursor = text("_cursor")
        if let limit = text("_limit") {
            guard let value = Int(limit), value >= 1 else { throw CloseError.badRequest("_limit must be a whole number of at least 1") }
            filter.limit = min(value, EventLog.maxLimit)
        }
        func time(_ name: String) throws -> CloseTimestamp? {
            guard let value = text(name) else { return nil }
            guard let parsed = CloseTimestamp(parsing: value) else {
                throw CloseError.badRequest("\(name) must be an ISO 8601 date or datetime")
            }
            return parsed
        }
        if let value = try time("date_updated__gt") { filter.dateUpdatedAfter = (value, false) }
        if let value = try time("date_updated__gte") { filter.dateUpdatedAfter = (value, true) }
        if let value = try time("date_updated__lt") { filter.dateUpdatedBefore = (value, false) }
        if let value = try time("date_updated__lte") { filter.dateUpdatedBefore = (value, true) }
        return filter
    }
}
