import ClosrModel
import Hummingbird

/// What each API-key scope lets a request do; checked right after the key is verified.
enum ScopePolicy {
    /// Paths an `inbound` key may use: lead intake and the web tracker, nothing else.
    static let inboundPathPrefixes = ["/api/leads/inbound", "/api/tracker/"]

    /// nil when the scopes allow the request, otherwise the 403 to answer with. The path is only read
    /// for narrowed keys.
    static func refusal(scopes: Set<APIKeyScope>, method: HTTPRequest.Method, path: @autoclosure () -> String) -> CloseError? {
        if scopes.contains(.full) { return nil }
        let path = path()
        if scopes.contains(.readOnly), method == .get || method == .head { return nil }
        if scopes.contains(.inbound), inboundPathPrefixes.contains(where: { path.hasPrefix($0) }) { return nil }
        if scopes.contains(.readOnly) {
            return .forbidden("This API key is read-only: it can only make GET and HEAD requests.")
        }
        return .forbidden("This API key has the inbound scope: it can only submit inbound leads and tracker events.")
    }
}
