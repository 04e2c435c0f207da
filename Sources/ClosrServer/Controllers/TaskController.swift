import ClosrCore
import ClosrModel
import Hummingbird

/// `/task/` and `/task/{id}/` (close-api-more.md §C), with the bulk `PUT /task/`.
struct TaskController {
    let tasks: TaskService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("task", .get) { request, context in
            let principal = try context.requirePrincipal()
            let page = try ListQuery(request, maxSkip: ListQuery.offsetListMaxSkip)
            let query = QueryParameters(request)
            let filter = try TaskService.Filter(parameter: query.nonEmpty)
            let (items, hasMore) = try await tasks.list(filter, skip: page.skip, limit: page.limit, origin: context.origin(of: request), in: principal.scope)
            return JSONResponse.make(json: page.write(items, hasMore: hasMore, fields: FieldSelection(request).fields))
        }
        routes.on("task", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(fieldsOf: request, try await tasks.create(body, principal: principal, origin: context.origin(of: request)))
        }
        routes.on("task", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            // The selection: `_params` in the body (Close's form), else the query string.
            let filter: TaskService.Filter
            if let params = body["_params"] {
                guard let members = params.objectMembers else { throw CloseError.validation(["_params": "Expected an object of list filters."]) }
                var values: [String: String] = [:]
                for (key, value) in members {
                    guard TaskService.Filter.parameterNames.contains(key) else {
                        throw CloseError.validation(["_params": "Unknown filter '\(key)': use the task list's filters (id__in, lead_id, view, …)."])
                    }
                    // A list is taken as its comma-separated form (`"id__in": ["task_A", "task_B"]`).
                    let text: String? = if case .array(let items) = value { items.allSatisfy { $0.scalarText != nil } ? items.compactMap(\.scalarText).joined(separator: ",") : nil } else { value.scalarText }
                    guard let text else { throw CloseError.validation(["_params": "'\(key)' takes a string, number, boolean or list of them."]) }
                    values[key] = text
                }
                filter = try TaskService.Filter { name in values[name].flatMap { $0.isEmpty ? nil : $0 } }
            } else {
                filter = try TaskService.Filter(parameter: QueryParameters(request).nonEmpty)
            }
            try await tasks.bulkUpdate(filter, body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([("ok", .bool(true))]))
        }
        routes.on("task/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let task = try await tasks.get(id: try context.parameters.require("id"), origin: context.origin(of: request), in: principal.scope)
            return JSONResponse.make(fieldsOf: request, task)
        }
        routes.on("task/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let task = try await tasks.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, task)
        }
        routes.on("task/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await tasks.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }
}

extension JSONValue {
    /// A string, number or boolean as query-string text (`_params: {"is_complete": true}`); nil for other kinds.
    var scalarText: String? {
        switch self {
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        default: return nil
        }
    }
}
