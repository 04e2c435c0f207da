import ClosrCore
import ClosrModel
import Hummingbird

/// `/custom_activity/` — custom activity types: created with 201, deleted with 204 (close-api-more.md §A.4).
struct CustomActivityController {
    let types: CustomActivityTypeService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("custom_activity", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            return JSONResponse.make(FieldSelection(request).page(list.page(ofAll: try await types.list(in: principal.scope))))
        }
        routes.on("custom_activity", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let type = try await types.create(body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(FieldSelection(request).apply(type.jsonValue), status: .created)
        }
        routes.on("custom_activity/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let type = try await types.get(id: try context.parameters.require("id"), in: principal.scope)
            return JSONResponse.make(FieldSelection(request).apply(type.jsonValue))
        }
        routes.on("custom_activity/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let type = try await types.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(FieldSelection(request).apply(type.jsonValue))
        }
        routes.on("custom_activity/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await types.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return Response(status: .noContent)
        }
    }
}
