import ClosrCore
import ClosrModel
import Hummingbird

/// `/contact/` and `/contact/{id}/` (close-api.md §6).
struct ContactController {
    let contacts: ContactService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("contact", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            let leadID = QueryParameters(request).nonEmpty("lead_id")
            let (contacts, total) = try await contacts.list(leadID: leadID, skip: list.skip, limit: list.limit, in: principal.scope)
            return JSONResponse.make(json: list.write(contacts, total: total, fields: FieldSelection(request).fields))
        }
        routes.on("contact", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let contact = try await contacts.create(body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, contact)
        }
        routes.on("contact/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let contact = try await contacts.get(id: try context.parameters.require("id"), in: principal.scope)
            return JSONResponse.make(fieldsOf: request, contact)
        }
        routes.on("contact/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let contact = try await contacts.update(id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(fieldsOf: request, contact)
        }
        routes.on("contact/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await contacts.delete(id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }
}
