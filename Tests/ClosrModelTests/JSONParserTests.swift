import Foundation
import Testing

@testable import ClosrModel

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let text = #"{"a": true, "b": 1, "c": 1.5, "d": "x\"y\\z\n\u00e9\ud83d\ude80", "e": null, "f": [1, [2], {}], "g": -0, "h": 1e3, "i": false}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .int(1))
        #expect(value["c"] == .double(1.5))
        #expect(value["d"] == .string("x\"y\\z\né🚀"))
        #expect(value["e"] == .null)
        #expect(value["f"] == .array([.int(1), .array([.int(2)]), .object([])]))
        #expect(value["g"] == .int(0))
        #expect(value["h"] == .double(1000))
        #expect(value["i"] == .bool(false))
    }

    @Test func roundTripsThroughTheSerializer() throws {
        let value = JSONValue.object([("name", .string("Ünïcödé \"q\" \u{01}")), ("list", .array([.int(-5), .double(2.25), .null, .bool(true)]))])
        #expect(try JSONValue(parsing: value.serialized()) == value)
        let viaFoundation = try JSONSerialization.jsonObject(with: Data(value.serialized())) as? NSDictionary
        #expect(viaFoundation?["name"] as? String == "Ünïcödé \"q\" \u{01}")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"open", "{\"a\":1}x", "[\"\\x\"]", "\"\u{01}\"", "-", "NaN", "[1 2]"])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func stringsAreCheckedUTF8WithOrWithoutEscapes() throws {
        #expect(try JSONValue(parsing: Array(#"["plain", "café 🚀", "é\n"]"#.utf8)) == .array([.string("plain"), .string("café 🚀"), .string("é\n")]))
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0x63, 0xC3, 0x22], [0x22, 0xC3, 0x5C, 0x6E, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: (any Error).self) { try JSONValue(parsing: bytes) }
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: (any Error).self) { try JSONValue(parsing: Array(deep.utf8)) }
    }
}
