import ClosrCore
import ClosrModel
import Hummingbird

/// `/api/v1/api_key/…`: each user manages their own keys; an organization admin sees and revokes every
/// key of the organization. Keys of other users (for non-admins) and other organizations are 404.
struct APIKeyController {
    let apiKeys: APIKeyService
    let maxBodyBytes: Int

    /// `POST /api_key/`. Either `expires_at` or `expires_in_days`, not both.
    struct Create: Decodable {
        let label: String?
        let scopes: [String]?
        let expiresAt: String?
        let expiresInDays: Int?

        enum CodingKeys: String, CodingKey {
            case label, scopes
            case expiresAt = "expires_at"
            case expiresInDays = "expires_in_days"
        }
    }

    /// `POST /api_key/{id}/rotate/`.
    struct Rotate: Decodable {
        let gracePeriodSeconds: Int64?

        enum CodingKeys: String, CodingKey {
            case gracePeriodSeconds = "grace_period_seconds"
        }
    }

    func addRoutes(to routes: CloseRoutes) {
        routes.on("api_key", .get) { request, context in
            let principal = try context.requirePrincipal()
            let query = try ListQuery(request)
            let (keys, total) = try await apiKeys.list(
                in: principal.scope, ownerID: Self.owner(principal), skip: query.skip, limit: query.limit
            )
            return JSONResponse.make(FieldSelection(request).page(query.page(keys, total: total)))
        }
        routes.on("api_key", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.decode(Create.self, from: request, maxBytes: maxBodyBytes)
            let (scopes, expiresAt) = try Self.validated(body)
            let created = try await apiKeys.create(
                in: principal.scope, userID: principal.userID, label: body.label ?? "", scopes: scopes,
                expiresAt: expiresAt, origin: context.origin(of: request)
            )
            return JSONResponse.make(created)
        }
        routes.on("api_key/:id", .get) { _, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            return JSONResponse.make(try await apiKeys.get(in: principal.scope, id: id, ownerID: Self.owner(principal)))
        }
        routes.on("api_key/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            try await apiKeys.revoke(in: principal.scope, id: id, ownerID: Self.owner(principal), origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
        routes.on("api_key/:id/rotate", .post) { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await JSONRequestBody.decode(Rotate.self, from: request, maxBytes: maxBodyBytes)
            let created = try await apiKeys.rotate(
                in: principal.scope, id: id, ownerID: Self.owner(principal), graceSeconds: body.gracePeriodSeconds,
                origin: context.origin(of: request)
            )
            return JSONResponse.make(created)
        }
    }

    /// Admins act on every key of the organization; everyone else only on their own.
    static func owner(_ principal: Principal) -> String? {
        principal.isAdmin ? nil : principal.userID
    }

    static func validated(_ body: Create) throws -> (scopes: [APIKeyScope], expiresAt: CloseTimestamp?) {
        var fieldErrors: [String: String] = [:]
        var scopes: [APIKeyScope] = [.full]
        if let names = body.scopes {
            let parsed = names.compactMap(APIKeyScope.init(rawValue:))
            if parsed.count != names.count || parsed.isEmpty {
                fieldErrors["scopes"] = "Use a non-empty list of: full, read_only, inbound."
            } else {
                scopes = parsed
            }
        }
        var expiresAt: CloseTimestamp?
        switch (body.expiresAt, body.expiresInDays) {
        case (.some, .some):
            fieldErrors["expires_at"] = "Give expires_at or expires_in_days, not both."
        case (.some(let text), nil):
            if let parsed = CloseTimestamp(parsing: text) {
                expiresAt = parsed
            } else {
                fieldErrors["expires_at"] = "Use an ISO 8601 date or datetime."
            }
        case (nil, .some(let days)):
            if (1...3650).contains(days) {
                expiresAt = CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64(days) * 86_400_000_000)
            } else {
                fieldErrors["expires_in_days"] = "Use a whole number of days from 1 to 3650."
            }
        case (nil, nil):
            break
        }
        guard fieldErrors.isEmpty else { throw CloseError.validation(fieldErrors) }
        return (scopes, expiresAt)
    }
}

/// `POST /api/v1/api_key/revoke_leaked/`: revokes the key whose secret is in the body, with no other
/// authentication, and answers the same whether or not a key matched.
struct LeakedKeyController {
    let apiKeys: APIKeyService
    let maxBodyBytes: Int

    struct Report: Decodable {
        let key: String?
    }

    func addRoutes(to routes: CloseRoutes) {
        routes.on("api/v1/api_key/revoke_leaked", .post) { request, context in
            let report = try await JSONRequestBody.decode(Report.self, from: request, maxBytes: maxBodyBytes)
            guard let secret = report.key?.trimmingCharacters(in: .whitespaces), !secret.isEmpty else {
                throw CloseError.validation(["key": "Put the leaked key in `key`."])
            }
            try await apiKeys.revokeLeaked(secret: secret, origin: context.origin(of: request))
            return JSONResponse.make(.object([
                ("status", .string("received")),
                ("message", .string("If this was an active Closr key, it has been revoked and its owner can see that in the audit log.")),
            ]))
        }
    }
}
