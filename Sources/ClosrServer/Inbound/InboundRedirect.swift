import ClosrModel

/// `_redirect`: where an HTML form's visitor is sent after their post (303).
///
/// Read strictly, so that a key cannot be used to bounce visitors to someone else's site: printable
/// ASCII only (a browser reads `\` as `/`, and would take `https://evil.test\.example.com/` to
/// evil.test), no user part before the host, a host an origin may have, and — when the organization
/// lists origins — on one of them.
enum InboundRedirect {
    static func target(_ text: String, allowedOrigins: [String]) throws -> String {
        let bytes = Array(text.utf8)
        let lower = text.lowercased()
        let schemeLength = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
        guard schemeLength > 0, bytes.count <= 2000, bytes.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }) else {
            throw invalid("Expected an absolute http or https address, in printable ASCII (percent-encode the rest).")
        }
        let afterScheme = text.dropFirst(schemeLength)
        let authority = afterScheme.prefix { !"/?#".contains($0) }
        guard !authority.contains("@"), let origin = BrowserOrigin.normalized(String(text.prefix(schemeLength)) + authority),
              !origin.contains("*") else {
            throw invalid("Expected an address with a plain host, such as https://www.example.com/thanks.")
        }
        if !allowedOrigins.isEmpty, !BrowserOrigin.isAllowed(origin, by: allowedOrigins) {
            throw invalid("\(origin.prefix(200)) is not one of the organization's allowed origins.")
        }
        return text
    }

    private static func invalid(_ message: String) -> CloseError {
        CloseError.validation(["_redirect": message])
    }
}
