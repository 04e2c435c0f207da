import ClosrCore
import ClosrModel
import Hummingbird

/// `/lead/` and `/lead/{id}/`, and `/lead/merge/` (close-api.md §5).
struct LeadController {
    let leads: LeadService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("lead", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            let parameters = QueryParameters(request)
            var query = try LeadQuery(parsing: parameters["query"] ?? "")
            query.clauses += try DateRangeFilter(parameters).leadClauses
            if let orderBy = parameters["_order_by"] { try query.order(by: orderBy) }
            let page = try await leads.page(query: query, skip: list.skip, limit: list.limit, in: principal.scope)
            return try await LeadPageResponse.make(page, list: list, fields: FieldSelection(request).fields)
        }
        routes.on("lead", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let lead = try await leads.create(body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, lead)
        }
        routes.on("lead/merge", .post) { request, context in
            let principal = try context.requirePrincipal()
            var reader = try BodyReader(try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes))
            let source = reader.string("source")
            let destination = reader.string("destination")
            try reader.validate()
            try await leads.merge(source: source, destination: destination, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
        routes.on("lead/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let lead = try await leads.get(id: try context.parameters.require("id"), in: principal.scope)
            return JSONResponse.make(fieldsOf: request, lead)
        }
        routes.on("lead/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let lead = try await leads.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, lead)
        }
        routes.on("lead/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await leads.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }
}
