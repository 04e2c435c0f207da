import Foundation
import Testing

@testable import ClosrModel

/// String writing searches eight bytes at a time for what must be escaped; whatever the position of
/// such a byte within or across those words, the text must be what a byte-by-byte escaper writes.
@Suite struct JSONStringEscapingTests {
    /// The plain RFC 8259 escaper the fast one must agree with.
    private static func reference(_ string: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    @Test func everyEscapedCharacterAtEveryPositionOfAWord() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{00}", "\u{01}", "\u{1F}"]
        // Neighbours just above and below the boundaries the word test uses, and multi-byte UTF-8.
        let fillers: [String] = ["a", " ", "!", "#", "[", "]", "~", "\u{7F}", "é", "🚀"]
        for special in specials {
            for filler in fillers {
                for length in 0..<20 {
                    for position in 0...length {
                        var characters = Array(repeating: Character(filler), count: length)
                        characters.insert(special, at: position)
                        let string = String(characters)
                        var written: [UInt8] = []
                        JSONValue.writeString(string, to: &written)
                        #expect(written == Self.reference(string), "\(string.debugDescription)")
                        #expect(try JSONValue(parsing: written) == .string(string))
                    }
                }
            }
        }
    }

    @Test func stringsWithNothingToEscapeAreCopiedWhole() {
        for filler in ["a", " ", "!", "#", "~", "\u{7F}", "é", "🚀", "Company 1634 — Ünïcödé"] {
            for length in [0, 1, 7, 8, 9, 16, 17, 100] {
                let string = String(repeating: filler, count: length)
                var written: [UInt8] = []
                JSONValue.writeString(string, to: &written)
                #expect(written == [UInt8(ascii: "\"")] + Array(string.utf8) + [UInt8(ascii: "\"")])
            }
        }
    }

    @Test func timestampsAreWrittenInPlaceAsTheirText() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.timestamp(CloseTimestamp(microseconds: 1_795_587_874_405_404))
        writer.timestamp(nil)
        writer.timestamp(CloseTimestamp(microseconds: -1))
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self)
            == #"["2026-11-25T06:24:34.405404+00:00",null,"1969-12-31T23:59:59.999999+00:00"]"#)
    }
}
