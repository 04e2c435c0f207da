/// Browser origins as `Origin` headers carry them and as an organization lists them: `scheme://host`
/// or `scheme://host:port`, lower-cased, no path. A listed origin may start its host with `*.` to allow
/// every subdomain of the rest (`https://*.example.com` allows `https://www.example.com` and
/// `https://a.b.example.com`, not `https://example.com`; `https://*.com` is not an origin).
public enum BrowserOrigin {
    /// The canonical form of a listed origin, or nil when it is not one: only `http` and `https`, a
    /// host of letters, digits, dots and hyphens (or `*.` then such a host), an optional port, and at
    /// most a trailing `/` after it (`https://example.com/` is taken as `https://example.com`).
    public static func normalized(_ text: String) -> String? {
        var rest = Substring(text.lowercased())
        let scheme: String
        if rest.hasPrefix("https://") { scheme = "https" } else if rest.hasPrefix("http://") { scheme = "http" } else { return nil }
        rest = rest.dropFirst(scheme.count + 3)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var host = rest
        var port: Substring?
        if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = rest[rest.index(after: colon)...]
            guard let digits = port, !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCII), let number = Int(digits),
                  (1...65535).contains(number) else { return nil }
        }
        var bare = host
        let wildcard = bare.hasPrefix("*.")
        if wildcard { bare = bare.dropFirst(2) }
        let labels = bare.split(separator: ".", omittingEmptySubsequences: false)
        // `*.com` would allow every site under a top-level domain: a wildcard needs two labels after it.
        guard !bare.isEmpty, !wildcard || labels.count >= 2, bare.count <= 253, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }) else { return nil }
        return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }

    /// Whether `origin` (an `Origin` header) is one of `allowed` (normalized entries).
    public static func isAllowed(_ origin: String, by allowed: [String]) -> Bool {
        let origin = origin.lowercased()
        return allowed.contains { entry in
            guard let star = entry.range(of: "://*.") else { return entry == origin }
            let prefix = entry[..<star.lowerBound] + "://"
            let suffix = "." + entry[star.upperBound...]
            return origin.hasPrefix(prefix) && origin.hasSuffix(suffix) && origin.count > prefix.count + suffix.count
                && !origin.dropFirst(prefix.count).dropLast(suffix.count).contains(where: { $0 == "/" || $0 == ":" })
        }
    }
}
