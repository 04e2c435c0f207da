import ClosrCore
import ClosrModel
import Hummingbird

/// `/inbound_settings/` (Closr's own): the organization's allowed browser origins, dedupe by email and
/// Do Not Track settings for inbound posts and the tracker. Anyone may read them; admins change them.
struct InboundSettingsController {
    let settings: InboundSettingsService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("inbound_settings", .get) { request, context in
            let principal = try context.requirePrincipal()
            return JSONResponse.make(FieldSelection(request).apply(try await settings.settings(in: principal.scope).jsonValue))
        }
        routes.on("inbound_settings", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(try await settings.update(body, in: principal.scope, asAdmin: principal.isAdmin, origin: context.origin(of: request)))
        }
    }
}
