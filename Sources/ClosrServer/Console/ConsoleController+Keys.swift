import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird

/// Settings → Integrations: the API keys card, generating a key (shown once), and the server's address
/// for the card's snippets and invitation links.
extension ConsoleController {
    /// `/api/v1/api_key/`'s answer.
    private struct KeyList: Decodable {
        let data: [APIKey]
    }

    static let scopeChoices: Set<String> = ["full", "read_only", "inbound"]

    /// The card: the COPY NOW panel when a key was just made (`created`: the API's answer, with `key`),
    /// the generate form with its field error, and the active keys this user may see.
    func keysPage(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, created: JSONValue? = nil,
                  error: String? = nil, labelError: String? = nil, labelValue: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        let api = api(request, context, session)
        let keys = try CloseAPIDecoding.decodeAccount(KeyList.self, try await api.send(.GET, "api_key/", query: [("_limit", "100")])).data
            .filter { $0.status == .active }
        let me = try await api.me()
        let people = session.principal.isAdmin ? try await api.users() : []
        let limit = APIKeyService.maxActiveKeysPerOrganization
        var values: [String: Any] = [
            "maxKeys": limit, "activeCount": keys.count, "hasKeys": !keys.isEmpty, "labelValue": labelValue,
            "limitReached": session.principal.isAdmin && keys.count >= limit, "base": baseURL(request, context), "isAdmin": session.principal.isAdmin,
            "maxLabel": APIKeyService.maxLabelLength,
            "keys": keys.map { key -> [String: Any] in
                var row: [String: Any] = [
                    "id": key.id, "label": key.label, "preview": key.preview, "scopes": key.scopes.map(\.rawValue).joined(separator: ", "),
                    "created": ConsolePage.shortDate(key.dateCreated), "expires": key.expiresAt.map { ConsolePage.shortDate($0) } ?? "Never",
                ]
                if key.userID != me.user.id, let owner = people.first(where: { $0.id == key.userID }) { row["owner"] = owner.email }
                if let used = key.lastUsed {
                    row["lastUsed"] = [
                        "when": ConsolePage.shortDate(used.date),
                        "detail": "\(ConsolePage.shortDate(used.date)) from \(used.ip ?? "an unknown address") with \(used.userAgent ?? "no user agent")",
                    ]
                }
                return row
            },
        ]
        if let error { values["error"] = error }
        if let labelError { values["labelError"] = labelError }
        if let created, case .string(let secret)? = created["key"] {
            let label = created["label"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? ""
            values["created"] = [
                "panelID": "copy-now", "codeID": "new-key", "secret": secret, "doneHref": "/settings/integrations", "doneID": "done",
                "message": "this is the only time “\(label)” is shown in full. Store it somewhere safe: Closr keeps only a hash of it.",
            ]
        }
        return ConsolePage.page(title: "API keys", template: "keys", values, session: session, email: me.user.email, status: status)
    }

    /// Generate: the label checked here so its message sits beside the field; the key made by the API
    /// (its limit, events and scopes), shown once in the answer to this post and never again.
    func generate(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ form: [String: String]) async throws -> Response {
        let label = (form["label"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let scope = form["scope"] ?? "full"
        var labelError: String?
        if label.isEmpty { labelError = "Give the key a label, such as “Website forms” or “Zapier”." }
        else if label.count > APIKeyService.maxLabelLength { labelError = "Use at most \(APIKeyService.maxLabelLength) characters." }
        else if label.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { labelError = "Use letters, digits, spaces and punctuation only." }
        if let labelError {
            return try await keysPage(request, context, session, labelError: labelError, labelValue: String(label.prefix(APIKeyService.maxLabelLength)), status: .badRequest)
        }
        guard Self.scopeChoices.contains(scope) else {
            return try await keysPage(request, context, session, error: "Choose full access, read only, or web forms and tracker only.", labelValue: label, status: .badRequest)
        }
        do {
            let body = try await api(request, context, session).send(.POST, "api_key/", body: ["label": .string(label), "scopes": [.string(scope)]])
            return try await keysPage(request, context, session, created: try JSONValue(parsing: body))
        } catch let error as CloseError where (400..<500).contains(error.status) {
            return try await keysPage(request, context, session, error: error.message, labelValue: label, status: .badRequest)
        }
    }

    /// This server's address as the browser reached it, for the snippets.
    func baseURL(_ request: Request, _ context: ClosrRequestContext) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return (isHTTPS(request, context) ? "https://" : "http://") + host
    }
}
