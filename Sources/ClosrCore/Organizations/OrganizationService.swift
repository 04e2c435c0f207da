import ClosrModel
import Foundation
import SQLKit

/// The caller's user and organizations: `/me/` and `/organization/{id}/`.
public struct OrganizationService: Sendable {
    let store: any Store
    private let caches: CoreCaches
    private var views: VersionedCache<AccountView> { caches.accountViews }

    public init(store: any Store, caches: CoreCaches) {
        self.store = store
        self.caches = caches
    }

    /// `/me/` as JSON: the principal's user with every organization they are an active member of,
    /// rendered once per cached view rather than once per request.
    public func meJSON(_ principal: Principal) async throws -> [UInt8] {
        try await meView(principal).json
    }

    private func meView(_ principal: Principal) async throws -> AccountView {
        let signal = try await principal.scope.versions()[.accounts]
        if let cached = views.value(for: principal.userID, version: signal) { return cached }
        let me = try await loadMe(principal)
        let view = AccountView(me: me, json: me.jsonValue.serialized())
        views.store(view, for: principal.userID, version: signal)
        return view
    }

    /// Reads across organizations, but only those the user belongs to: each is then read through its
    /// own ``OrgScope``.
    private func loadMe(_ principal: Principal) async throws -> Me {
        let (userRow, organizationIDs) = try await store.read { db in
            (try await CrossTenant.user(id: principal.userID, on: db), try await CrossTenant.activeOrganizations(ofUser: principal.userID, on: db))
        }
        guard let userRow else { throw CloseError.unauthorized("The user of this API key no longer exists") }
        var organizations: [Organization] = []
        for organizationID in organizationIDs {
            organizations.append(try await organization(in: OrgScope(organizationID: organizationID, store: store)))
        }
        let memberships = organizations.flatMap(\.memberships).filter { $0.userID == principal.userID }
        return Me(user: userRow.user, organizations: organizations, memberships: memberships)
    }

    /// The active members of the principal's organization as users, by last then first name.
    public func users(for principal: Principal) async throws -> [User] {
        let rows = try await principal.scope.read { db in
            try await db.select(from: .memberships)
                .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("users")))
                .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("user_id", table: "memberships"))
                .where(SQLColumn("date_deactivated", table: "memberships"), .is, SQLLiteral.null)
                .orderBy(SQLColumn("last_name", table: "users")).orderBy(SQLColumn("first_name", table: "users"))
                .all(decoding: UserRow.self, with: rowDecoder)
        }
        return rows.map { row in
            var user = row.user
            user.organizationIDs = [principal.organizationID]
            return user
        }
    }

    /// The organization `id` if it is the principal's own; 404 for any other, existing or not.
    public func organization(id: String, for principal: Principal) async throws -> Organization {
        guard id == principal.organizationID else { throw CloseError.notFound("Organization not found") }
        return try await organization(in: principal.scope)
    }

    /// Renames the organization or changes its currency; only admins may.
    public func update(id: String, name: String?, currency: String?, for principal: Principal, origin: RequestOrigin) async throws -> Organization {
        guard id == principal.organizationID else { throw CloseError.notFound("Organization not found") }
        guard principal.isAdmin else { throw CloseError.forbidden("Only an organization admin can change the organization") }
        var fieldErrors: [String: String] = [:]
        let trimmedName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmedName, trimmedName.isEmpty || trimmedName.count > 200 {
            fieldErrors["name"] = "A name of 1 to 200 characters is required."
        }
        if let currency, currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            fieldErrors["currency"] = "Use a three-letter ISO 4217 code such as USD."
        }
        guard fieldErrors.isEmpty else { throw CloseError.validation(fieldErrors) }
        if trimmedName != nil || currency != nil {
            let now = CloseTimestamp.now()
            try await principal.scope.write { db in
                guard let row = try await db.selectOrganization().columns("name", "currency").first() else { return }
                let oldName = try row.decode(column: "name", as: String.self)
                let oldCurrency = try row.decode(column: "currency", as: String.self)
                var update = db.updateOrganization().set("date_updated", to: now.microseconds)
                if let trimmedName { update = update.set("name", to: trimmedName) }
                if let currency { update = update.set("currency", to: currency) }
                try await update.run()
                // The event carries the organization's own fields (members and statuses have events of their own).
                let after: JSONValue = .object([
                    ("id", .string(id)), ("name", .string(trimmedName ?? oldName)), ("currency", .string(currency ?? oldCurrency)),
                    ("date_updated", .timestamp(now)),
                ])
                let before: JSONValue = .object([("name", .string(oldName)), ("currency", .string(oldCurrency))])
                let changed = [("name", trimmedName), ("currency", currency)].compactMap { $0.1 == nil ? nil : $0.0 }
                try await EventLog.recordUpdate(
                    in: db, objectType: "organization", objectID: id, leadID: nil, changed: changed, before: before, after: after,
                    origin: origin, at: now
                )
            }
        }
        return try await organization(in: principal.scope)
    }

    private func organization(in scope: OrgScope) async throws -> Organization {
        let (row, memberships, leadStatuses, opportunityStatuses) = try await scope.read { db in
            let row = try await db.selectOrganization().column("*").first(decoding: OrganizationRow.self, with: rowDecoder)
            let memberships = try await MembershipRow.select(db.select(from: .memberships))
                .all(decoding: MembershipRow.self, with: rowDecoder)
            return (row, memberships, try await StatusService.statuses(.lead, in: db), try await StatusService.statuses(.opportunity, in: db))
        }
        guard let row else { throw CloseError.notFound("Organization not found") }
        var organization = row.organization(memberships: memberships.map(\.membership))
        organization.leadStatuses = leadStatuses.map(\.summary)
        organization.opportunityStatuses = opportunityStatuses.map(\.summary)
        return organization
    }
}
