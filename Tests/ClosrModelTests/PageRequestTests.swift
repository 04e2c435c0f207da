import ClosrModel
import Testing

/// `_skip`, `_limit` and `_fields` as both sides read and write them: what a client sends parses back to
/// the same request on the server, and bad values are Close's 400s.
@Suite struct PageRequestTests {
    static func parse(_ query: [(String, String)], maxSkip: Int? = nil) throws -> PageRequest {
        try PageRequest(parameter: { name in query.last { $0.0 == name }?.1 }, defaultLimit: 100, maxLimit: 1000, maxSkip: maxSkip)
    }

    @Test func whatAClientSendsParsesBackTheSame() throws {
        for request in [PageRequest(), PageRequest(skip: 200, limit: 50), PageRequest(skip: 0, limit: 1, fields: ["id", "custom.cf_x", "name"])] {
            let parsed = try Self.parse(request.queryItems)
            #expect(parsed.skip == request.skip && parsed.limit == (request.limit ?? 100) && parsed.fields == request.fields)
        }
    }

    @Test func limitsAreClampedAndBadNumbersRefused() throws {
        #expect(try Self.parse([("_limit", "5000")]).limit == 1000)
        #expect(try Self.parse([]).limit == 100)
        #expect(try Self.parse([("_fields", " id , ,name,")]).fields == ["id", "name"])
        #expect(try Self.parse([("_fields", " , ")]).fields == nil)
        for (name, value) in [("_skip", "-1"), ("_skip", "x"), ("_limit", "0"), ("_limit", "1.5"), ("_skip", "99999999999999999999")] {
            #expect(throws: CloseError.self, "\(name)=\(value)") { try Self.parse([(name, value)]) }
        }
        let deep = #expect(throws: CloseError.self) { try Self.parse([("_skip", "300")], maxSkip: 250) }
        #expect(deep?.message.contains("less than or equal to 250") == true && deep?.message.contains("max_skip = 250") == true)
    }
}
