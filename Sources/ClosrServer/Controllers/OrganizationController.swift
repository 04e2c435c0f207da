import ClosrCore
import Hummingbird

/// `GET` and `PUT /api/v1/organization/{id}/` for the caller's own organization (close-api.md §12).
struct OrganizationController {
    let organizations: OrganizationService
    let maxBodyBytes: Int

    /// The fields `PUT` may change; absent keys stay as they are.
    struct Update: Decodable {
        let name: String?
        let currency: String?
    }

    func addRoutes(to routes: CloseRoutes) {
        routes.on("organization/:id", .get) { request, context in
            let id = try context.parameters.require("id")
            return JSONResponse.make(fieldsOf: request, try await organizations.organization(id: id, for: try context.requirePrincipal()))
        }
        routes.on("organization/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let update = try await JSONRequestBody.decode(Update.self, from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(
                fieldsOf: request, try await organizations.update(id: id, name: update.name, currency: update.currency, for: principal, origin: context.origin(of: request))
            )
        }
    }
}
