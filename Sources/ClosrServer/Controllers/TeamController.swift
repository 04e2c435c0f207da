import ClosrCore
import ClosrModel
import Hummingbird

/// `/membership/` and `/role/`: the team over Close's API. Anyone lists memberships and roles; admins
/// add members (`POST /membership/ {"email", "role_id"}`; for a user with no password whom no other
/// organization added first, the answer carries a one-time `invitation_url`, its only appearance), change roles and deactivate (`PUT /membership/{id}/
/// {"role_id": "user"}`, `{"is_active": false}`).
struct TeamController {
    let team: TeamService
    let maxBodyBytes: Int

    func addRoutes(to routes: CloseRoutes) {
        routes.on("membership", .get) { request, context in
            let principal = try context.requirePrincipal()
            let page = try ListQuery(request)
            let members = try await team.members(in: principal.scope)
            let shown = Array(members.dropFirst(page.skip).prefix(page.limit)).map(\.jsonValue)
            return JSONResponse.make(FieldSelection(request).page(.object([
                ("has_more", .bool(page.skip + shown.count < members.count)), ("total_results", .int(members.count)), ("data", .array(shown)),
            ])))
        }
        routes.on("membership/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            return JSONResponse.make(FieldSelection(request).apply(try await team.member(id: context.parameters.get("id") ?? "", in: principal.scope).jsonValue))
        }
        routes.on("membership", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            let (member, invitation) = try await team.invite(email: try Self.string(body, "email", required: true) ?? "",
                                                             roleID: try Self.string(body, "role_id", required: true) ?? "", by: principal)
            var answer = member.jsonValue.objectMembers ?? []
            if case .link(let token) = invitation { answer.append(("invitation_url", .string("/invite/\(token)"))) }
            return JSONResponse.make(.object(answer))
        }
        routes.on("membership/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.value(from: request, maxBytes: maxBodyBytes)
            var isActive: Bool?
            switch body["is_active"] {
            case nil, .null?: break
            case .bool(let flag)?: isActive = flag
            default: throw CloseError.validation(["is_active": "Must be true or false."])
            }
            let member = try await team.update(id: context.parameters.get("id") ?? "", roleID: try Self.string(body, "role_id", required: false),
                                               isActive: isActive, by: principal)
            return JSONResponse.make(member.jsonValue)
        }
        routes.on("role", .get) { request, context in
            _ = try context.requirePrincipal()
            let roles = TeamService.roles.map(Self.role)
            return JSONResponse.make(FieldSelection(request).page(.object([("has_more", false), ("data", .array(roles))])))
        }
        routes.on("role/:id", .get) { request, context in
            _ = try context.requirePrincipal()
            guard let role = TeamService.roles.first(where: { $0.id == context.parameters.get("id") }) else { throw CloseError.notFound("Role not found") }
            return JSONResponse.make(FieldSelection(request).apply(Self.role(role)))
        }
    }

    static func role(_ role: (id: String, name: String)) -> JSONValue {
        .object([("id", .string(role.id)), ("name", .string(role.name)), ("is_predefined", true),
                 ("permissions", .array(role.id == "admin" ? ["manage_organization", "manage_api_keys", "view_all_leads", "edit_all_leads"] : ["view_all_leads", "edit_all_leads"]))])
    }

    static func string(_ body: JSONValue, _ name: String, required: Bool) throws -> String? {
        switch body[name] {
        case .string(let text)?: return text
        case nil, .null?:
            if required { throw CloseError.validation([name: "This field is required."]) }
            return nil
        default: throw CloseError.validation([name: "Must be a string."])
        }
    }
}
