import ClosrCore
import Hummingbird

/// `GET /api/v1/me/` (close-api.md §2.3).
struct MeController {
    let organizations: OrganizationService

    func addRoutes(to routes: CloseRoutes) {
        routes.on("me", .get) { _, context in
            JSONResponse.make(json: try await organizations.meJSON(try context.requirePrincipal()))
        }
    }
}
