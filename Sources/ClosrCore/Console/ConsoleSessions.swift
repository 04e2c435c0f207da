import ClosrModel
import Crypto
import Foundation
import SQLKit

/// Signed-in browsers: a random token in an HttpOnly cookie, its SHA-256 in `console_sessions`.
///
/// Every page request looks its session up (no cache), so signing out, an expired session, a removed
/// or deactivated membership stop it on every node at once. A session acts as its user with every scope
/// of the API a full key has, in the organization it signed in to.
public struct ConsoleSessions: Sendable {
    let store: any Store
    let caches: CoreCaches

    /// How long a session lasts from sign-in.
    public static let lifetime: Int64 = 14 * 24 * 3600 * 1_000_000

    public init(store: any Store, caches: CoreCaches) {
        self.store = store
        self.caches = caches
    }

    /// Starts a session for the user in `organizationID` (an invitation's), or else their oldest active
    /// organization; returns the cookie's token, or nil when the user has no active membership there.
    public func start(userID: String, organizationID wanted: String? = nil, ip: String?, userAgent: String?) async throws -> String? {
        let token = "cs_" + Self.randomToken()
        let now = CloseTimestamp.now().microseconds
        let started = try await store.transaction { db -> Bool in
            var membership = db.select().column("organization_id").from("memberships")
                .where("user_id", .equal, userID).where("date_deactivated", .is, SQLLiteral.null)
            if let wanted { membership = membership.where("organization_id", .equal, wanted) }
            guard let organizationID = try await membership.orderBy("date_created").limit(1)
                .first(decodingColumn: "organization_id", as: String.self) else { return false }
            try await db.insert(into: "console_sessions")
                .columns("id", "user_id", "organization_id", "date_created", "expires_at", "ip", "user_agent")
                .values(SQLBind(Self.digest(token)), SQLBind(userID), SQLBind(organizationID), SQLBind(now), SQLBind(now + Self.lifetime),
                        SQLBind(ip), SQLBind(userAgent.map { String($0.prefix(500)) }))
                .run()
            return true
        }
        return started ? token : nil
    }

    /// The principal of a live session, or nil (unknown, expired, signed out, membership gone).
    public func principal(token: String) async throws -> Principal? {
        guard token.hasPrefix("cs_"), token.utf8.count < 100 else { return nil }
        let versions = try await store.versions()
        let now = CloseTimestamp.now().microseconds
        let found = try await store.read { db in
            try await db.select().column(SQLColumn("user_id", table: "console_sessions")).column(SQLColumn("organization_id", table: "console_sessions"))
                .column(SQLColumn("role_id", table: "memberships"))
                .from("console_sessions")
                .join("memberships", on: SQLBinaryExpression(
                    left: SQLBinaryExpression(left: SQLColumn("user_id", table: "memberships"), op: SQLBinaryOperator.equal, right: SQLColumn("user_id", table: "console_sessions")),
                    op: SQLBinaryOperator.and,
                    right: SQLBinaryExpression(left: SQLColumn("organization_id", table: "memberships"), op: SQLBinaryOperator.equal, right: SQLColumn("organization_id", table: "console_sessions"))
                ))
                .where(SQLColumn("id", table: "console_sessions"), .equal, SQLBind(Self.digest(token)))
                .where(SQLColumn("expires_at", table: "console_sessions"), .greaterThan, SQLBind(now))
                .where(SQLColumn("date_deactivated", table: "memberships"), .is, SQLLiteral.null)
                .first()
                .map { (try $0.decode(column: "user_id", as: String.self), try $0.decode(column: "organization_id", as: String.self), try $0.decode(column: "role_id", as: String.self)) }
        }
        guard let (userID, organizationID, role) = found else { return nil }
        return Principal(userID: userID, organizationID: organizationID, apiKeyID: nil, scopes: [.full], role: role, store: store, caches: caches)
            .forRequest(versions: versions)
    }

    /// Signs out: the session stops on every node.
    public func end(token: String) async throws {
        try await store.transaction { db in
            try await db.delete(from: "console_sessions").where("id", .equal, Self.digest(token)).run()
        }
    }

    /// Deletes expired sessions and spent or expired invitation links (the server's hourly upkeep); returns
    /// how many rows went.
    public static func purgeExpired(in store: any Store) async throws -> Int {
        let now = CloseTimestamp.now().microseconds
        return try await store.transaction { db in
            let sessions = try await db.delete(from: "console_sessions").where("expires_at", .lessThanOrEqual, now).returning("id").all().count
            let invitations = try await db.delete(from: "invitations")
                .where { $0.where("expires_at", .lessThanOrEqual, now).orWhere("date_used", .isNot, SQLLiteral.null) }
                .returning("id").all().count
            return sessions + invitations
        }
    }

    /// The CSRF token of a session's forms: derived from the cookie's token (HMAC-SHA256), so a page
    /// on another site, which cannot read the cookie, cannot make it, and nothing more is stored.
    public static func csrfToken(for token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("csrf".utf8), using: SymmetricKey(data: Data(token.utf8)))
        return base64url(Data(mac))
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64url(Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
