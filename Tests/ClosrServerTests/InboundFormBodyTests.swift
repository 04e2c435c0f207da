import ClosrModel
import Foundation
import Testing

@testable import ClosrServer

/// The inbound lead body parser: every form a website or tool posts becomes the same list of fields,
/// and anything malformed is refused with a status and a message that names what to fix.
@Suite struct InboundFormBodyTests {
    private typealias Field = InboundFormBody.Field

    private func fields(_ body: String, _ contentType: String?) throws -> [Field] {
        try InboundFormBody.parse(Array(body.utf8), contentType: contentType).fields
    }

    /// The error a body is refused with, or nil when it is accepted.
    private func refusal(_ body: [UInt8], _ contentType: String?) -> CloseError? {
        do {
            _ = try InboundFormBody.parse(body, contentType: contentType)
            return nil
        } catch {
            return error as? CloseError
        }
    }

    private func refusal(_ body: String, _ contentType: String?) -> CloseError? {
        refusal(Array(body.utf8), contentType)
    }

    /// A multipart body from lines joined with CRLF, as RFC 2046 writes them.
    private func multipart(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\r\n").utf8)
    }

    // MARK: - JSON

    @Test func jsonValuesAreFlattenedInOrder() throws {
        let body = #"{"email": "ann@example.com", "age": 12, "score": 1.5, "vip": true, "gone": null,"#
            + #" "tags": ["a", 1, false, null], "none": [], "address": {"city": "Paris", "geo": {"lat": 48}}}"#
        #expect(try fields(body, "application/json") == [
            Field(name: "email", value: "ann@example.com"), Field(name: "age", value: "12"),
            Field(name: "score", value: "1.5"), Field(name: "vip", value: "true"),
            Field(name: "tags", value: "a, 1, false"), Field(name: "address.city", value: "Paris"),
            Field(name: "address.geo.lat", value: "48"),
        ])
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json",
                      "text/plain;charset=UTF-8", " text/plain "])
    func jsonIsReadUnderEveryJSONMediaType(_ contentType: String) throws {
        #expect(try fields(#"{"email": "ann@example.com"}"#, contentType) == [Field(name: "email", value: "ann@example.com")])
    }

    @Test func jsonNestsAtMostFiveLevels() throws {
        #expect(try fields(#"{"a": {"b": {"c": {"d": {"e": "deep"}}}}}"#, "application/json") == [Field(name: "a.b.c.d.e", value: "deep")])
        let error = try #require(refusal(#"{"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}"#, "application/json"))
        #expect(error.status == 400)
        #expect(error.message.contains("'a.b.c.d.e'"))
    }

    @Test(arguments: [
        (#"{"email": "a@b.c", "tags": [{"x": 1}]}"#, "'tags'"),
        (#"{"tags": [["x"]]}"#, "'tags'"),
        (#"[{"email": "a@b.c"}]"#, "must be an object"),
        (#""ann@example.com""#, "must be an object"),
        (#"{"email": "a@b.c",}"#, "not valid JSON"),
        ("email=a@b.c&name=Ann", "not valid JSON"), // text/plain from an HTML form is not JSON
        (#"{"name": "a\u0000b"}"#, "NUL"),
        (#"{"email": "a@b.c", "email": "d@e.f"}"#, "'email' is given more than once"),
        (#"{"a.b": 1, "a": {"b": 2}}"#, "'a.b' is given more than once"),
        (#"{"": "x"}"#, "empty name"),
        (#"{"a": {"": "x"}}"#, "empty name"),
    ] as [(String, String)])
    func badJSONIsA400SayingWhy(_ body: String, _ expected: String) throws {
        let error = try #require(refusal(body, "text/plain"))
        #expect(error.status == 400)
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test func jsonThatIsNotUTF8IsA400() throws {
        let error = try #require(refusal(Array(#"{"name": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), "application/json"))
        #expect(error.status == 400)
        #expect(error.message.contains("not valid JSON"))
    }

    // MARK: - urlencoded

    @Test func urlencodedIsDecodedAsBrowsersEncodeIt() throws {
        let body = "name=Ann+Lee&city=New%20York&price=10%E2%82%AC&plus=1%2B1&a%3Db=c&&flag&empty=&caf%C3%A9=ok&"
        #expect(try fields(body, "application/x-www-form-urlencoded; charset=UTF-8") == [
            Field(name: "name", value: "Ann Lee"), Field(name: "city", value: "New York"), Field(name: "price", value: "10€"),
            Field(name: "plus", value: "1+1"), Field(name: "a=b", value: "c"), Field(name: "flag", value: ""),
            Field(name: "empty", value: ""), Field(name: "café", value: "ok"),
        ])
    }

    @Test(arguments: ["note=100%zz", "note=100%", "note=%4", "note=%G1&x=1"])
    func aMalformedPercentEscapeIsA400NamingTheField(_ body: String) throws {
        let error = try #require(refusal(body, "application/x-www-form-urlencoded"))
        #expect(error.status == 400)
        #expect(error.message.contains("'note'") && error.message.contains("%25"), "\(error.message)")
        #expect(refusal("no%zzte=1", "application/x-www-form-urlencoded")?.message.contains("'no%zzte'") == true)
    }

    @Test func textThatIsNotUTF8IsA400() throws {
        let value = try #require(refusal("company=%FF&x=1", "application/x-www-form-urlencoded"))
        #expect(value.status == 400)
        #expect(value.message.contains("Field 'company' is not valid UTF-8"))
        let name = try #require(refusal("caf%E9=1", "application/x-www-form-urlencoded"))
        #expect(name.status == 400)
        #expect(name.message.contains("A field name is not valid UTF-8"))
    }

    // MARK: - multipart

    @Test func multipartFieldsAndAFilePart() throws {
        let head = multipart([
            "preamble, ignored", "--XyZ",
            #"Content-Disposition: form-data; name="email""#, "", "ann@example.com", "--XyZ",
            #"content-disposition: FORM-DATA; NAME="say \"hi\"""#, "Content-Type: text/plain; charset=utf-8", "",
            "line one\r\nline two", "--XyZ",
            #"Content-Disposition: form-data; name="cv"; filename="cv.pdf""#, "Content-Type: application/pdf", "", "",
        ])
        let tail = multipart(["", "--XyZ", #"Content-Disposition: form-data; name="photo"; filename="""#, "", "",
                              "--XyZ--", "epilogue, ignored"])
        let body = head + [0x25, 0x50, 0xFF, 0x00, 0x0D, 0x0A] + tail // binary file bytes are ignored
        #expect(try InboundFormBody.parse(body, contentType: "multipart/form-data; boundary=XyZ").fields == [
            Field(name: "email", value: "ann@example.com"), Field(name: #"say "hi""#, value: "line one\r\nline two"),
            Field(name: "cv", value: "cv.pdf (file not stored)"), Field(name: "photo", value: ""),
        ])
    }

    @Test func aQuotedBoundaryIsUnquoted() throws {
        let body = multipart(["--a b:c", #"Content-Disposition: form-data; name=email"#, "", "a@b.c", "--a b:c--", ""])
        #expect(try InboundFormBody.parse(body, contentType: #"multipart/form-data; charset=utf-8; boundary="a b:c""#).fields
            == [Field(name: "email", value: "a@b.c")])
    }

    @Test(arguments: ["multipart/form-data", "multipart/form-data; boundary=", #"multipart/form-data; boundary="""#,
                      "multipart/form-data; boundary=" + String(repeating: "x", count: 71),
                      "multipart/form-data; boundary=a; boundary=b", #"multipart/form-data; boundary="open"#])
    func aMissingOrBadBoundaryIsA400(_ contentType: String) throws {
        let error = try #require(refusal(multipart(["--a", #"Content-Disposition: form-data; name="x""#, "", "1", "--a--"]), contentType))
        #expect(error.status == 400)
        #expect(error.message.contains("multipart/form-data needs a boundary parameter"))
    }

    @Test(arguments: [
        (["--B", #"Content-Disposition: form-data; name="x""#, "", "1", "--B"], "closing boundary line '--B--' is missing"),
        (["--B", #"Content-Disposition: form-data; name="x""#, "", "1"], "closing boundary line '--B--' is missing"),
        (["--B", #"Content-Disposition: form-data; name="x""#, "1", "--B--"], "no blank line"),
        (["--B", #"Content-Disposition: form-data; filename="a.txt""#, "", "1", "--B--"], "part 1 needs exactly one header"),
        (["--B", "Content-Type: text/plain", "", "1", "--B--"], "part 1 needs exactly one header"),
        (["--B", #"Content-Disposition: attachment; name="x""#, "", "1", "--B--"], "part 1 needs exactly one header"),
        (["--B", #"Content-Disposition: form-data; name="x"; name="y""#, "", "1", "--B--"], "part 1 needs exactly one header"),
        (["--B", #"Content-Disposition: form-data; name="x"#, "", "1", "--B--"], "part 1 needs exactly one header"),
        (["--B", #"Content-Disposition: form-data; name="x""#, "Content-Disposition: form-data; name=\"y\"", "", "1", "--B--"],
         "two Content-Disposition headers"),
        (["--B", "no colon here", "", "1", "--B--"], "not 'Name: value'"),
        (["--Bx", #"Content-Disposition: form-data; name="x""#, "", "1", "--B--"], "followed by other text"),
        (["no boundary at all"], "no boundary line '--B'"),
    ] as [([String], String)])
    func aMalformedMultipartBodyIsA400SayingWhat(_ lines: [String], _ expected: String) throws {
        let error = try #require(refusal(multipart(lines), "multipart/form-data; boundary=B"))
        #expect(error.status == 400)
        #expect(error.message.hasPrefix("The multipart body is malformed: "))
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test func multipartHeadersAndTextAreBounded() throws {
        let long = multipart(["--B", #"Content-Disposition: form-data; name="x""#, "X-Pad: " + String(repeating: "p", count: 8200), "", "1", "--B--"])
        #expect(refusal(long, "multipart/form-data; boundary=B")?.message.contains("longer than 8 KiB") == true)
        let latin1 = multipart(["--B", #"Content-Disposition: form-data; name="city""#, "", "Montr"]) + [0xE9]
            + multipart(["", "--B--"])
        let error = try #require(refusal(latin1, "multipart/form-data; boundary=B"))
        #expect(error.status == 400)
        #expect(error.message.contains("Field 'city' is not valid UTF-8"))
    }

    // MARK: - Rules shared by every form

    @Test func fieldsAreCounted() throws {
        let allowed = (1...200).map { "f\($0)=x" }.joined(separator: "&")
        #expect(try fields(allowed, "application/x-www-form-urlencoded").count == 200)
        for count in [201, 10_000] {
            let body = (1...count).map { "f\($0)=x" }.joined(separator: "&")
            let error = try #require(refusal(body, "application/x-www-form-urlencoded"))
            #expect(error.status == 400)
            #expect(error.message.contains("The post has \(count) fields; at most 200 are accepted"))
        }
        let json = "{" + (1...201).map { #""f\#($0)": 1"# }.joined(separator: ",") + "}"
        #expect(refusal(json, "application/json")?.message.contains("The post has 201 fields") == true)
        let parts = multipart((1...201).flatMap { ["--B", "Content-Disposition: form-data; name=\"f\($0)\"", "", "x"] } + ["--B--"])
        #expect(refusal(parts, "multipart/form-data; boundary=B")?.message.contains("The post has 201 fields") == true)
    }

    @Test func namesAreCheckedAsSent() throws {
        #expect(try fields("Email=a&email=b& name =c", nil).map(\.name) == ["Email", "email", " name "])
        let longest = String(repeating: "n", count: 200)
        #expect(try fields(longest + "=1", nil).map(\.name) == [longest])
        let tooLong = try #require(refusal(longest + "n=1", nil))
        #expect(tooLong.status == 400 && tooLong.message.contains("201 characters long"))
        for body in ["=x", "a=1&=2", "[]=x"] {
            #expect(refusal(body, nil)?.message.contains("A field has an empty name") == true, "\(body)")
        }
    }

    @Test(arguments: ["email=a&email=b", "email[]=a&email=b", "email=a&email[]=b"])
    func aRepeatedFieldIsA400(_ body: String) throws {
        let error = try #require(refusal(body, "application/x-www-form-urlencoded"))
        #expect(error.status == 400)
        #expect(error.message == "Field 'email' is given more than once: give each field once, or name it email[] to send several values")
    }

    @Test func bracketedNamesAreCollectedIntoOneField() throws {
        #expect(try fields("interest%5B%5D=demo&name=Ann&interest[]=pricing&interest[]=", "application/x-www-form-urlencoded") == [
            Field(name: "interest", value: "demo, pricing, "), Field(name: "name", value: "Ann"),
        ])
        #expect(try fields(#"{"interest[]": ["demo", "pricing"]}"#, "application/json") == [Field(name: "interest", value: "demo, pricing")])
        let body = multipart(["--B", #"Content-Disposition: form-data; name="tag[]""#, "", "a",
                              "--B", #"Content-Disposition: form-data; name="tag[]""#, "", "b", "--B--"])
        #expect(try InboundFormBody.parse(body, contentType: "multipart/form-data; boundary=B").fields == [Field(name: "tag", value: "a, b")])
    }

    @Test func theNULCharacterIsRefusedEverywhere() throws {
        let value = try #require(refusal("note=a%00b", "application/x-www-form-urlencoded"))
        #expect(value.status == 400 && value.message.contains("Field 'note' contains the NUL character"))
        #expect(refusal("a%00b=1", "application/x-www-form-urlencoded")?.message.contains("A field name contains the NUL character") == true)
        #expect(refusal(#"{"a\u0000": 1}"#, "application/json")?.message.contains("NUL") == true)
        let part = multipart(["--B", #"Content-Disposition: form-data; name="note""#, "", "a\u{0}b", "--B--"])
        #expect(refusal(part, "multipart/form-data; boundary=B")?.message.contains("Field 'note' contains the NUL character") == true)
    }

    @Test(arguments: ["text/html", "application/xml", "image/png", "multipart/mixed; boundary=B", "application/jsonx"])
    func anotherContentTypeIsA415(_ contentType: String) throws {
        let error = try #require(refusal(#"{"email": "a@b.c"}"#, contentType))
        #expect(error.status == 415)
        #expect(error.message == "Content-Type '\(contentType)' is not accepted here: send application/json, "
            + "application/x-www-form-urlencoded or multipart/form-data")
    }

    @Test func withoutAContentTypeTheFormIsGuessed() throws {
        #expect(try fields(#"{"email": "a@b.c"}"#, nil) == [Field(name: "email", value: "a@b.c")])
        #expect(try fields(" \r\n\t{\"email\": \"a@b.c\"}", "") == [Field(name: "email", value: "a@b.c")])
        #expect(try fields("email=a%40b.c&name=Ann", nil) == [Field(name: "email", value: "a@b.c"), Field(name: "name", value: "Ann")])
        #expect(refusal("{email=a@b.c", nil)?.message.contains("not valid JSON") == true)
    }

    @Test(arguments: [nil, "", "application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/html"] as [String?])
    func anEmptyBodyHasNoFields(_ contentType: String?) throws {
        #expect(try InboundFormBody.parse([], contentType: contentType).fields.isEmpty)
    }
}
