import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird

/// The Team page (members, invitations, roles, deactivation; admins change, everyone sees) and the
/// invitation link a new teammate opens to choose a password. Changes go through the API in process
/// (`/membership/`), so they are the same as an admin's API calls.
extension ConsoleController {
    func addTeamRoutes(to routes: CloseRoutes) {
        routes.on("settings/team", .get) { request, context in
            try await signedIn(request, context) { session in try await teamPage(request, context, session) }
        }
        routes.on("settings/team", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await invite(request, context, session, form) }
        }
        routes.on("settings/team/:id", .post) { request, context in
            try await signedInForm(request, context) { session, form in
                let id = context.parameters.get("id") ?? ""
                let change: JSONValue
                switch form["action"] {
                case "deactivate": change = ["is_active": false]
                case "activate": change = ["is_active": true]
                case "make_admin": change = ["role_id": "admin"]
                case "make_user": change = ["role_id": "user"]
                default: return try await teamPage(request, context, session, error: "Unknown change.", status: .badRequest)
                }
                do {
                    _ = try await api(request, context, session).send(.PUT, "membership/\(CloseAPIDecoding.percentEncoded(id))/", body: change)
                } catch let error as CloseError where (400..<500).contains(error.status) {
                    return try await teamPage(request, context, session, error: error.message, status: HTTPResponse.Status(code: error.status))
                }
                return ConsolePage.redirect("/settings/team")
            }
        }
        routes.on("invite/:token", .get) { request, context in try await invitationPage(request, context) }
        routes.on("invite/:token", .post) { request, context in try await acceptInvitation(request, context) }
    }

    func teamPage(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, invited: (email: String, link: String)? = nil,
                  added: String? = nil, error: String? = nil, emailError: String? = nil, emailValue: String = "",
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let api = api(request, context, session)
        let body = try JSONValue(parsing: try await api.send(.GET, "membership/", query: [("_limit", "1000")]))
        var members: [JSONValue] = []
        if case .array(let items)? = body["data"] { members = items }
        let isAdmin = session.principal.isAdmin
        let me = try await api.me()
        var values: [String: Any] = [
            "isAdmin": isAdmin, "emailValue": emailValue,
            "members": members.map { member -> [String: Any] in
                func text(_ name: String) -> String { if case .string(let value)? = member[name] { return value } else { return "" } }
                let active = member["is_active"] != .bool(false)
                let admin = text("role_id") == "admin"
                return [
                    "id": text("id"), "name": text("user_full_name"), "email": text("user_email"), "role": admin ? "Admin" : "User",
                    "status": active ? "Active" : "Deactivated", "active": active,
                    "canChange": isAdmin && text("user_id") != session.principal.userID,
                    "roleAction": admin ? "make_user" : "make_admin", "roleLabel": admin ? "Make user" : "Make admin",
                    "activeAction": active ? "deactivate" : "activate", "activeLabel": active ? "Deactivate" : "Reactivate",
                ]
            },
        ]
        if let invited {
            values["invited"] = [
                "panelID": "invitation", "codeID": "invite-link", "secret": invited.link, "doneHref": "/settings/team", "doneID": "invite-done",
                "message": "send this link to \(invited.email). It works once, for 7 days, and is not shown again.",
            ]
        }
        if let added { values["added"] = added }
        if let error { values["error"] = error }
        if let emailError { values["emailError"] = emailError }
        return ConsolePage.page(title: "Team", template: "team", values, session: session, email: me.user.email, status: status)
    }

    func invite(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ form: [String: String]) async throws -> Response {
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let body = try JSONValue(parsing: try await api(request, context, session).send(
                .POST, "membership/", body: ["email": .string(email), "role_id": .string(form["role_id"] ?? "user")]
            ))
            if case .string(let path)? = body["invitation_url"] {
                return try await teamPage(request, context, session, invited: (email, baseURL(request, context) + path))
            }
            return try await teamPage(request, context, session, added: email)
        } catch let error as CloseError where (400..<500).contains(error.status) {
            return try await teamPage(request, context, session, error: error.fieldErrors["email"] == nil ? error.message : nil,
                                      emailError: error.fieldErrors["email"], emailValue: String(email.prefix(320)), status: HTTPResponse.Status(code: error.status))
        }
    }

    // MARK: The invitation link

    func invitationPage(_ request: Request, _ context: ClosrRequestContext, form: [String: String] = [:], errors: [String: String] = [:],
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard let invitation = try await services.team.invitation(token: token, store: services.store) else {
            return ConsolePage.html(ConsoleTemplates.render("layout", ["title": "Invitation", "body":
                "<section class=\"card\"><h1>This invitation no longer works</h1><p>It was used already, it expired (links work for 7 days), or it was never made. Ask an admin of your team for a new one.</p><p><a href=\"/login\">Sign in</a></p></section>"]),
                status: .notFound)
        }
        let (secret, loginCookie) = loginFormSecret(request, context)
        var values: [String: Any] = [
            "token": token, "email": invitation.email, "organization": invitation.organizationName, "csrf": ConsoleSessions.csrfToken(for: secret),
            "firstName": form["first_name"] ?? "", "lastName": form["last_name"] ?? "",
        ]
        for (field, message) in errors { values[field + "Error"] = message }
        return ConsolePage.page(title: "Join \(invitation.organizationName)", template: "invite", values, session: nil, status: status,
                                headers: loginCookie)
    }

    func acceptInvitation(_ request: Request, _ context: ClosrRequestContext) async throws -> Response {
        let form = try await ConsolePage.form(request)
        guard loginFormIsGenuine(request, form) else { return ConsolePage.forbiddenForm() }
        let token = context.parameters.get("token") ?? ""
        let accepted: (userID: String, organizationID: String)?
        do {
            accepted = try await services.team.accept(token: token, firstName: form["first_name"] ?? "", lastName: form["last_name"] ?? "",
                                                    password: form["password"] ?? "", store: services.store)
        } catch let error as CloseError where error.status == 400 {
            return try await invitationPage(request, context, form: form, errors: error.fieldErrors, status: .badRequest)
        }
        guard let accepted, let session = try await services.sessions.start(
            userID: accepted.userID, organizationID: accepted.organizationID, ip: context.clientIP, userAgent: request.headers[.userAgent]
        ) else {
            return try await invitationPage(request, context)
        }
        return signedInRedirect(token: session, to: "/leads", request, context)
    }
}
