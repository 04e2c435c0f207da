import ClosrCore
import ClosrModel
import Hummingbird

/// `/user/` and `/user/{id}/`: the members of the caller's organization (close-api.md §12).
struct UserController {
    let organizations: OrganizationService

    func addRoutes(to routes: CloseRoutes) {
        routes.on("user", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request)
            let users = try await organizations.users(for: principal)
            return JSONResponse.make(FieldSelection(request).page(list.page(ofAll: users)))
        }
        routes.on("user/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard let user = try await organizations.users(for: principal).first(where: { $0.id == id }) else {
                throw CloseError.notFound("User not found")
            }
            return JSONResponse.make(FieldSelection(request).apply(user.jsonValue))
        }
    }
}
