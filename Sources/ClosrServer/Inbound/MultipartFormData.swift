import ClosrModel
import Foundation

/// A `multipart/form-data` body (RFC 7578 over RFC 2046), split into its parts.
///
/// Read strictly: a lenient multipart reader is where two parsers come to disagree about which bytes
/// belong to which field, and a sender whose body is refused with a reason fixes it while wiring the
/// form up. The body is small (the caller caps it) and fully buffered, so this works on the whole array.
enum MultipartFormData {
    /// One part: the field's name, the file name when it is a file upload, and the bytes it carries.
    struct Part: Sendable, Equatable {
        let name: String
        let fileName: String?
        let content: ArraySlice<UInt8>
    }

    /// RFC 2046 §5.1.1: a boundary is 1 to 70 characters.
    static let maxBoundaryLength = 70
    /// Bounds the header block of one part; real parts send two short headers.
    static let maxHeaderBytes = 8 * 1024

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let dashes: [UInt8] = [0x2D, 0x2D]

    /// The boundary named by a `multipart/form-data` Content-Type.
    static func boundary(fromContentType contentType: String) throws -> [UInt8] {
        let boundaries = (splitParameters(contentType)?.parameters ?? []).filter { $0.name == "boundary" }
        guard boundaries.count == 1, let boundary = boundaries.first?.value,
              (1...maxBoundaryLength).contains(boundary.utf8.count) else {
            // Usually a client that set the header by hand and so lost the boundary its library would add.
            throw CloseError.badRequest(
                "multipart/form-data needs a boundary parameter of 1 to \(maxBoundaryLength) characters, as in "
                    + "'multipart/form-data; boundary=FormBoundary7MA4YWxk': do not set this Content-Type by hand, "
                    + "let the browser or HTTP library set it with the boundary it used"
            )
        }
        return Array(boundary.utf8)
    }

    /// The parts in order. Throws a 400 saying what is malformed when the body does not follow RFC 2046.
    static func parts(_ body: [UInt8], boundary: [UInt8]) throws -> [Part] {
        let shown = String(decoding: boundary, as: UTF8.self)
        let dashBoundary = dashes + boundary
        let delimiter = crlf + dashBoundary
        // The first boundary line opens the body, or follows a preamble (which is ignored).
        var index: Int
        if body.starts(with: dashBoundary) {
            index = dashBoundary.count
        } else if let found = find(delimiter, in: body, from: 0, before: body.count) {
            index = found + delimiter.count
        } else {
            throw malformed("it has no boundary line '--\(shown)', the boundary its Content-Type names")
        }
        let unclosed = malformed("the closing boundary line '--\(shown)--' is missing; the body may have been cut short")
        var parts: [Part] = []
        while true {
            // After a boundary, `--` closes the body (the epilogue is ignored); otherwise a part follows.
            guard index < body.count else { throw unclosed }
            if body[index...].starts(with: dashes) { return parts }
            while index < body.count, body[index] == 0x20 || body[index] == 0x09 { index += 1 }
            guard body[index...].starts(with: crlf) else {
                throw malformed("a boundary line '--\(shown)' is followed by other text; the boundary must not occur inside a part")
            }
            index += crlf.count
            guard let end = find(delimiter, in: body, from: index, before: body.count) else { throw unclosed }
            parts.append(try part(body, index..<end, number: parts.count + 1))
            index = end + delimiter.count
        }
    }

    /// One part: header lines, a blank line, then its content.
    private static func part(_ body: [UInt8], _ range: Range<Int>, number: Int) throws -> Part {
        var index = range.lowerBound
        var disposition: String?
        while true {
            guard let lineEnd = find(crlf, in: body, from: index, before: range.upperBound) else {
                throw malformed("part \(number) has no blank line between its headers and its content")
            }
            guard lineEnd - range.lowerBound <= maxHeaderBytes else {
                throw malformed("the headers of part \(number) are longer than \(maxHeaderBytes / 1024) KiB")
            }
            if lineEnd == index {
                index += crlf.count
                break
            }
            let decoded = utf8String(body[index..<lineEnd])
            index = lineEnd + crlf.count
            guard let line = decoded, let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw malformed("part \(number) has a header line that is not 'Name: value' in UTF-8")
            }
            guard line[..<colon].lowercased() == "content-disposition" else { continue }
            guard disposition == nil else { throw malformed("part \(number) has two Content-Disposition headers") }
            disposition = String(line[line.index(after: colon)...])
        }
        let split = disposition.flatMap { splitParameters($0) }
        let names = (split?.parameters ?? []).filter { $0.name == "name" }
        guard let parsed = split, parsed.value.lowercased() == "form-data", names.count == 1, let name = names.first?.value else {
            throw malformed("part \(number) needs exactly one header 'Content-Disposition: form-data; name=\"field name\"'")
        }
        let fileName = parsed.parameters.first(where: { $0.name == "filename" })?.value
            ?? parsed.parameters.first(where: { $0.name == "filename*" })?.value
        return Part(name: name, fileName: fileName, content: body[index..<range.upperBound])
    }

    /// `value; a=1; b="x \"y\""` → the value before the first `;` and the parameters in order, names
    /// lowercased and quoted values unescaped; nil for an unclosed quote or a parameter without a name.
    static func splitParameters(_ header: String) -> (value: String, parameters: [(name: String, value: String)])? {
        let bytes = Array(header.utf8)
        let semicolon = UInt8(ascii: ";"), equals = UInt8(ascii: "="), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var index = bytes.firstIndex(of: semicolon) ?? bytes.count
        let value = text(bytes[..<index])
        var parameters: [(name: String, value: String)] = []
        func skipBlanks() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        while index < bytes.count {
            index += 1 // the `;`
            let nameStart = index
            while index < bytes.count, bytes[index] != equals, bytes[index] != semicolon { index += 1 }
            let name = text(bytes[nameStart..<index]).lowercased()
            guard index < bytes.count, bytes[index] == equals else {
                if name.isEmpty { continue } // `;;` or a trailing `;`
                return nil
            }
            guard !name.isEmpty else { return nil }
            index += 1
            skipBlanks()
            var valueBytes: [UInt8] = []
            if index < bytes.count, bytes[index] == quote {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == quote { closed = true; break }
                    if byte == backslash, index < bytes.count {
                        valueBytes.append(bytes[index])
                        index += 1
                    } else {
                        valueBytes.append(byte)
                    }
                }
                skipBlanks()
                guard closed, index == bytes.count || bytes[index] == semicolon else { return nil }
                parameters.append((name, String(decoding: valueBytes, as: UTF8.self)))
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != semicolon { index += 1 }
                parameters.append((name, text(bytes[valueStart..<index])))
            }
        }
        return (value, parameters)
    }

    /// The bytes as a string when they are UTF-8, nil otherwise. Portable: `String(validating:as:)`
    /// needs macOS 15. Invalid input decodes with U+FFFD in place, so it no longer matches its bytes.
    static func utf8String(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// Where `needle` first starts in `bytes[start..<end]`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int, before end: Int) -> Int? {
        guard let first = needle.first, start + needle.count <= end else { return nil }
        var index = start
        while index <= end - needle.count {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func malformed(_ what: String) -> CloseError {
        CloseError.badRequest(
            "The multipart body is malformed: \(what). Let the browser or HTTP library build multipart bodies rather than writing them by hand"
        )
    }
}
