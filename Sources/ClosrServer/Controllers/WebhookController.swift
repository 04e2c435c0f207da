import ClosrCore
import ClosrModel
import Hummingbird

/// `/webhook/` and `/webhook/{id}/` (close-api-more.md §D): created with 201 and the signing key shown
/// that once.
struct WebhookController {
    let webhooks: WebhookService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("webhook", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            return JSONResponse.make(FieldSelection(request).page(list.page(ofAll: try await webhooks.list(principal: principal))))
        }
        routes.on("webhook", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let created = try await webhooks.create(body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(created, status: .created)
        }
        routes.on("webhook/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            return JSONResponse.make(FieldSelection(request).apply(try await webhooks.get(id: try context.parameters.require("id"), principal: principal).jsonValue))
        }
        routes.on("webhook/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(try await webhooks.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request)))
        }
        routes.on("webhook/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await webhooks.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }
}
