import ClosrModel
import Foundation
import SQLKit

/// The organization's team: its memberships (active and deactivated), roles, invitations and
/// deactivation — what `/membership/`, `/role/` and the console's Team page do.
///
/// Only admins change the team. Deactivating a member stops them at once: their console sessions are
/// deleted, and their keys stop verifying (a membership change moves the keys' cache version; the key
/// lookup requires an active membership).
public struct TeamService: Sendable {
    let passwords: ConsolePasswords

    public init(passwords: ConsolePasswords) {
        self.passwords = passwords
    }

    /// Close's predefined roles that Closr has: `admin` (everything, the team included) and `user`.
    public static let roles: [(id: String, name: String)] = [("admin", "Admin"), ("user", "User")]
    /// How long an invitation link works.
    public static let invitationLifetime: Int64 = 7 * 24 * 3600 * 1_000_000

    /// A membership as `/membership/` shows it: the member's user inlined, and whether it is active.
    public struct Member: Sendable {
        public let membership: Membership
        public let dateDeactivated: CloseTimestamp?
        public var isActive: Bool { dateDeactivated == nil }

        public var jsonValue: JSONValue {
            var members = membership.jsonValue.objectMembers ?? []
            members.append(("is_active", .bool(isActive)))
            members.append(("date_deactivated", .timestamp(dateDeactivated)))
            return .object(members)
        }
    }

    public func members(in scope: OrgScope) async throws -> [Member] {
        try await scope.read { db in try await Self.members(db, id: nil) }
    }

    public func member(id: String, in scope: OrgScope) async throws -> Member {
        guard let member = try await scope.read({ db in try await Self.members(db, id: id) }).first else {
            throw CloseError.notFound("Membership not found")
        }
        return member
    }

    static func members(_ db: TenantDatabase, id: String?) async throws -> [Member] {
        var select = db.select(from: .memberships)
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("memberships")))
            .column(SQLColumn("email", table: "users")).column(SQLColumn("first_name", table: "users")).column(SQLColumn("last_name", table: "users"))
            .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("user_id", table: "memberships"))
            .orderBy(SQLColumn("date_created", table: "memberships"))
        if let id { select = select.where(SQLColumn("id", table: "memberships"), .equal, SQLBind(id)) }
        return try await select.all().map { row in
            let membership = try row.decode(model: MembershipRow.self, with: rowDecoder).membership
            let deactivated = try row.decodeNil(column: "date_deactivated") ? nil : try row.decode(column: "date_deactivated", as: Int64.self)
            return Member(membership: membership, dateDeactivated: deactivated.map(CloseTimestamp.init(microseconds:)))
        }
    }

    /// What adding a member leaves to do.
    public enum Invitation: Sendable {
        /// A one-time link token to give them: they have no password yet.
        case link(String)
        /// They already sign in with their password.
        case hasPassword
        /// They have no password, but another organization added them first and sends their link.
        case invitedElsewhere
    }

    /// Adds a member by email with a role, creating the user if there is none, and returns the membership
    /// with what is left to do (``Invitation``).
    public func invite(email: String, roleID: String, by principal: Principal) async throws -> (member: Member, invitation: Invitation) {
        try Self.requireAdmin(principal)
        let email = email.trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        if email.count > 320 || !email.contains("@") || email.contains(where: \.isWhitespace) || email.hasPrefix("@") || email.hasSuffix("@") {
            errors["email"] = "Give an email address such as ada@example.com."
        }
        if !Self.roles.contains(where: { $0.id == roleID }) { errors["role_id"] = "Use admin or user." }
        guard errors.isEmpty else { throw CloseError.validation(errors) }
        let now = CloseTimestamp.now().microseconds
        let token = "inv_" + ConsoleSessions.randomToken()
        let (membershipID, outcome) = try await principal.scope.write { db -> (String, Invitation) in
            let userID = try await AccountProvisioning.user(in: db.sql, email: email, now: now)
            let existing = try await db.select(from: .memberships).columns("id", "date_deactivated").where("user_id", .equal, userID).first()
            let membershipID: String
            if let existing {
                guard try existing.decodeNil(column: "date_deactivated") == false else {
                    throw CloseError.validation(["email": "\(email) is already a member of this organization."])
                }
                // A deactivated member invited again comes back with the role given.
                membershipID = try existing.decode(column: "id", as: String.self)
                try await db.update(.memberships).set("date_deactivated", to: SQLLiteral.null).set("role_id", to: roleID).set("date_updated", to: now)
                    .where("id", .equal, membershipID).run()
            } else {
                membershipID = ClosrID.make(.membership)
                try await db.insert(into: .memberships, [
                    ("id", membershipID), ("user_id", userID), ("role_id", roleID), ("date_created", now), ("date_updated", now),
                ]).run()
            }
            let hasPassword = try await db.sql.select().column("user_id").from("user_passwords").where("user_id", .equal, userID).first() != nil
            // A user who joined another organization first is that organization's to invite: a link from here
            // would let this organization's admin choose the password of someone else's member. (The first
            // organization that added them may send links; the others add them, and they sign in with the
            // password they choose there.)
            let joined = try await db.select(from: .memberships).column("date_created").where("id", .equal, membershipID)
                .first(decodingColumn: "date_created", as: Int64.self) ?? now
            let elsewhere = try await db.sql.select().column("id").from("memberships").where("user_id", .equal, userID)
                .where("organization_id", .notEqual, principal.organizationID).where("date_created", .lessThanOrEqual, joined).first() != nil
            if !hasPassword, !elsewhere {
                // One live link per person: inviting again replaces the earlier one.
                try await db.sql.delete(from: "invitations").where("user_id", .equal, userID)
                    .where("organization_id", .equal, principal.organizationID).where("date_used", .is, SQLLiteral.null).run()
                try await db.sql.insert(into: "invitations")
                    .columns("id", "organization_id", "user_id", "created_by", "date_created", "expires_at")
                    .values(SQLBind(ConsoleSessions.digest(token)), SQLBind(principal.organizationID), SQLBind(userID), SQLBind(principal.userID),
                            SQLBind(now), SQLBind(now + Self.invitationLifetime))
                    .run()
            }
            return (membershipID, hasPassword ? .hasPassword : elsewhere ? .invitedElsewhere : .link(token))
        }
        return (try await member(id: membershipID, in: principal.scope), outcome)
    }

    /// Who an unused, unexpired invitation is for; nil otherwise.
    public func invitation(token: String, store: any Store) async throws -> (email: String, organizationName: String)? {
        guard token.hasPrefix("inv_"), token.utf8.count < 100 else { return nil }
        let now = CloseTimestamp.now().microseconds
        return try await store.read { db in
            try await db.select().column(SQLColumn("email", table: "users")).column(SQLColumn("name", table: "organizations"))
                .from("invitations")
                .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("user_id", table: "invitations"))
                .join("organizations", on: SQLColumn("id", table: "organizations"), .equal, SQLColumn("organization_id", table: "invitations"))
                .where(SQLColumn("id", table: "invitations"), .equal, SQLBind(ConsoleSessions.digest(token)))
                .where(SQLColumn("date_used", table: "invitations"), .is, SQLLiteral.null)
                .where(SQLColumn("expires_at", table: "invitations"), .greaterThan, SQLBind(now))
                .first()
                .map { (try $0.decode(column: "email", as: String.self), try $0.decode(column: "name", as: String.self)) }
        }
    }

    /// Accepts an invitation: the user's name and password set, the link used up (by one request only:
    /// the update that marks it used is also the check that it was not). Returns the user and the
    /// invitation's organization, or nil when the link is unknown, used, expired, or its membership was
    /// deactivated since.
    public func accept(token: String, firstName: String, lastName: String, password: String, store: any Store) async throws -> (userID: String, organizationID: String)? {
        var errors: [String: String] = [:]
        if firstName.trimmingCharacters(in: .whitespaces).isEmpty { errors["first_name"] = "Give your first name." }
        if firstName.count > 100 { errors["first_name"] = "Use at most 100 characters." }
        if lastName.count > 100 { errors["last_name"] = "Use at most 100 characters." }
        if let problem = ConsolePasswords.problem(with: password) { errors["password"] = problem }
        guard errors.isEmpty else { throw CloseError.validation(errors) }
        let hash = try await passwords.hash(password)
        let now = CloseTimestamp.now().microseconds
        // One transaction: the link is spent only if the password is stored with it.
        return try await store.transaction { db -> (userID: String, organizationID: String)? in
            guard let row = try await db.update("invitations").set("date_used", to: now)
                .where("id", .equal, ConsoleSessions.digest(token)).where("date_used", .is, SQLLiteral.null).where("expires_at", .greaterThan, now)
                .returning("user_id", "organization_id").first() else { return nil }
            let userID = try row.decode(column: "user_id", as: String.self)
            let organizationID = try row.decode(column: "organization_id", as: String.self)
            guard try await db.select().column("id").from("memberships").where("user_id", .equal, userID)
                .where("organization_id", .equal, organizationID).where("date_deactivated", .is, SQLLiteral.null).first() != nil else { return nil }
            try await db.update("users").set("first_name", to: firstName.trimmingCharacters(in: .whitespaces))
                .set("last_name", to: lastName.trimmingCharacters(in: .whitespaces)).set("date_updated", to: now)
                .where("id", .equal, userID).run()
            try await ConsolePasswords.store(hash: hash, userID: userID, on: db)
            return (userID, organizationID)
        }
    }

    /// Changes a member's role or deactivates them (`is_active: false`) or brings them back (`true`).
    /// An admin cannot deactivate or demote themselves, so an organization always keeps an admin.
    public func update(id: String, roleID: String?, isActive: Bool?, by principal: Principal) async throws -> Member {
        try Self.requireAdmin(principal)
        if let roleID, !Self.roles.contains(where: { $0.id == roleID }) { throw CloseError.validation(["role_id": "Use admin or user."]) }
        let target = try await member(id: id, in: principal.scope)
        if target.membership.userID == principal.userID, isActive == false || (roleID != nil && roleID != "admin") {
            throw CloseError.badRequest("You cannot deactivate or demote yourself: ask another admin.")
        }
        let now = CloseTimestamp.now().microseconds
        try await principal.scope.write { db in
            var update = db.update(.memberships).set("date_updated", to: now).where("id", .equal, id)
            if let roleID { update = update.set("role_id", to: roleID) }
            if let isActive { update = isActive ? update.set("date_deactivated", to: SQLLiteral.null) : update.set("date_deactivated", to: now) }
            try await update.run()
            if isActive == false {
                // Signed out everywhere at once; their keys stop with the membership (the key lookup needs it active).
                try await db.sql.delete(from: "console_sessions").where("user_id", .equal, target.membership.userID)
                    .where("organization_id", .equal, principal.organizationID).run()
            }
        }
        return try await member(id: id, in: principal.scope)
    }

    static func requireAdmin(_ principal: Principal) throws {
        guard principal.isAdmin else { throw CloseError.forbidden("Only an organization admin can change the team.") }
    }
}
