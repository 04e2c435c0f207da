import ClosrModel
import SQLKit

/// One row of `api_keys`, and its conversion to the wire ``APIKey``.
struct APIKeyRow: Decodable, Sendable {
    let id: String
    let organizationId: String
    let userId: String
    let createdBy: String
    let label: String
    let secretHash: String
    let preview: String
    let scopes: String
    let dateCreated: Int64
    let expiresAt: Int64?
    let dateRevoked: Int64?
    let lastUsedAt: Int64?
    let lastUsedIp: String?
    let lastUsedUserAgent: String?
    let rotatedFrom: String?
    let replacedBy: String?

    static let decoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    /// Scopes are stored as a comma-separated list of raw values.
    static func encodeScopes(_ scopes: [APIKeyScope]) -> String {
        scopes.map(\.rawValue).joined(separator: ",")
    }

    var decodedScopes: [APIKeyScope] {
        scopes.split(separator: ",").compactMap { APIKeyScope(rawValue: String($0)) }
    }

    func status(at now: CloseTimestamp) -> APIKey.Status {
        if dateRevoked != nil { return .revoked }
        if let expiresAt, expiresAt <= now.microseconds { return .expired }
        return .active
    }

    func apiKey(at now: CloseTimestamp = .now()) -> APIKey {
        APIKey(
            id: id, label: label, preview: preview, scopes: decodedScopes, userID: userId,
            organizationID: organizationId, createdBy: createdBy,
            dateCreated: CloseTimestamp(microseconds: dateCreated),
            expiresAt: expiresAt.map(CloseTimestamp.init(microseconds:)),
            status: status(at: now),
            dateRevoked: dateRevoked.map(CloseTimestamp.init(microseconds:)),
            lastUsed: lastUsedAt.map {
                APIKey.LastUsed(date: CloseTimestamp(microseconds: $0), ip: lastUsedIp, userAgent: lastUsedUserAgent)
            },
            rotatedFrom: rotatedFrom, replacedBy: replacedBy
        )
    }
}
