import ClosrCore
import ClosrModel
import Hummingbird

/// `/custom_field/{lead,contact,opportunity}/…` (close-api.md §11), and the plural `/custom_fields/…`
/// that tap-closeio still calls.
struct CustomFieldController {
    let customFields: CustomFieldService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        for base in ["custom_field", "custom_fields"] {
            for objectType in CustomFieldService.objectTypes.sorted() {
                let path = "\(base)/\(objectType)"
                routes.on(path, .get) { request, context in
                    let principal = try context.requirePrincipal()
                    let list = try ListQuery(request)
                    let dates = try DateRangeFilter(QueryParameters(request))
                    let all = try await customFields.list(objectType, in: principal.scope).filter(dates.admits)
                    return JSONResponse.make(FieldSelection(request).page(list.page(ofAll: all)))
                }
                routes.on(path, .post) { request, context in
                    let principal = try context.requirePrincipal()
                    let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
                    return JSONResponse.make(fieldsOf: request, try await customFields.create(objectType, body, principal: principal, origin: context.origin(of: request)))
                }
                routes.on("\(path)/:id", .get) { request, context in
                    let principal = try context.requirePrincipal()
                    let field = try await customFields.get(objectType, id: try context.parameters.require("id"), in: principal.scope)
                    return JSONResponse.make(FieldSelection(request).apply(field.jsonValue))
                }
                routes.on("\(path)/:id", .put) { request, context in
                    let principal = try context.requirePrincipal()
                    let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
                    return JSONResponse.make(fieldsOf: request, try await customFields.update(
                        objectType, id: try context.parameters.require("id"), body, principal: principal, origin: context.origin(of: request)
                    ))
                }
                routes.on("\(path)/:id", .delete) { request, context in
                    let principal = try context.requirePrincipal()
                    try await customFields.delete(objectType, id: try context.parameters.require("id"), principal: principal, origin: context.origin(of: request))
                    return JSONResponse.make(.object([]))
                }
            }
        }
    }
}
