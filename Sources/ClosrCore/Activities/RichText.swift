import Foundation

/// Close keeps a note's plain text and its rich text in step (close-api-more.md §B.5): setting one
/// rewrites the other, and rich text is wrapped in `<body>…</body>`.
enum RichText {
    static let emptyHTML = "<body></body>"

    /// Plain text as rich text: HTML-escaped, each line break a `<br />`.
    static func html(fromText text: String) -> String {
        var out = "<body>"
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#x27;"
            case "\n", "\r\n": out += "<br />"
            default: out.append(character)
            }
        }
        return out + "</body>"
    }

    /// Rich text as given, wrapped in `<body>…</body>` when it is not already.
    static func wrapped(_ html: String) -> String {
        let trimmed = html.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.lowercased().hasPrefix("<body") ? trimmed : "<body>" + html + "</body>"
    }

    /// The plain text of rich text: tags dropped, line and paragraph breaks kept as new lines, the
    /// common entities decoded.
    static func text(fromHTML html: String) -> String {
        var out = ""
        var tag = ""
        var inTag = false
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    let name = tag.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" }).first.map(String.init) ?? ""
                    if name == "br" || (tag.hasPrefix("/") && ["p", "div", "li", "h1", "h2", "h3"].contains(String(tag.dropFirst()).lowercased())) {
                        out += "\n"
                    }
                    tag = ""
                } else {
                    tag.append(character)
                }
            } else if character == "<" {
                inTag = true
            } else {
                out.append(character)
            }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: character)
        }
        while out.hasSuffix("\n") { out.removeLast() }
        return out
    }
}
