/// What an API key may do. A key acts as its user in its organization; a scope only narrows that.
public enum APIKeyScope: String, Sendable, Codable, CaseIterable {
    /// Everything the key's user may do.
    case full
    /// Only GET and HEAD requests.
    case readOnly = "read_only"
    /// Only lead intake and the web tracker (for keys embedded in web pages and form tools).
    case inbound
}
