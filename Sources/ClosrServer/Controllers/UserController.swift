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
            let users = try Self.ordered(try await organizations.users(for: principal), by: QueryParameters(request)["_order_by"])
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

    /// Close orders users by `last_name,first_name` (the default) or `first_name,last_name`, each
    /// ascending or, with `-`, descending; names compare without regard to case.
    static func ordered(_ users: [User], by parameter: String?) throws -> [User] {
        guard let parameter, !parameter.isEmpty else { return users }
        var keys: [(KeyPath<User, String>, Bool)] = []
        for item in parameter.split(separator: ",") {
            let descending = item.hasPrefix("-")
            switch descending ? item.dropFirst() : item {
            case "first_name": keys.append((\User.firstName, descending))
            case "last_name": keys.append((\User.lastName, descending))
            default: throw CloseError.badRequest("Cannot order users by '\(item)'; use last_name,first_name or first_name,last_name.")
            }
        }
        return users.sorted { left, right in
            for (key, descending) in keys {
                let (a, b) = (left[keyPath: key].lowercased(), right[keyPath: key].lowercased())
                if a != b { return descending ? a > b : a < b }
            }
            return left.id < right.id
        }
    }
}
