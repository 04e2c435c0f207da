import Foundation
import Testing

@testable import ClosrModel

@Suite struct CloseErrorBodyTests {
    func object(_ error: CloseError) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(CloseErrorBody.json(for: error))) as? [String: Any])
    }

    @Test func validationCarriesBothShapes() throws {
        let body = try object(.validation(["name": "This field is required."]))
        #expect(body["error"] as? String == "Validation failed: name: This field is required.")
        #expect(body["errors"] as? [String] == [])
        #expect(body["field-errors"] as? [String: String] == ["name": "This field is required."])
    }

    @Test func rateLimitHasTopLevelAndNestedReset() throws {
        let error = CloseError(status: 429, message: "API call count exceeded", rateLimit: .init(resetSeconds: 2, limit: 60, windowSeconds: 60))
        let body = try object(error)
        #expect(body["rate_reset"] as? Int == 2)
        let nested = try #require(body["error"] as? [String: Any])
        #expect(nested["rate_reset"] as? Int == 2)
        #expect(nested["rate_limit"] as? Int == 60)
        #expect(nested["rate_window"] as? Int == 60)
        #expect(nested["rate_limit_type"] as? String == "key")
    }

    @Test func internalErrorsHaveNoErrorKeyAndNoDetail() throws {
        let body = try object(.internalError("database exploded at /secret/path"))
        #expect(body["error"] == nil)
        #expect(body["errors"] as? [String] == ["Internal error"])
    }

    @Test func stringsAreEscapedAsJSONRequires() throws {
        let message = "quote \" backslash \\ newline \n tab \t bell \u{07} slash / é 🚀"
        let body = try object(CloseError(status: 404, message: message))
        #expect(body["error"] as? String == message)
    }

    @Test(arguments: [401, 403, 404, 405, 409, 413, 415])
    func otherStatusesCarryAStringError(_ status: Int) throws {
        let body = try object(CloseError(status: status, message: "m"))
        #expect(body as NSDictionary == ["error": "m"] as NSDictionary)
    }
}

/// Error answers read back into `CloseError` by clients.
@Suite struct CloseErrorBodyParsingTests {
    @Test func closrsOwnBodiesReadBack() {
        let validation = CloseError.validation(["status_id": "Invalid status id."])
        let read = CloseErrorBody.error(status: 400, body: CloseErrorBody.json(for: validation))
        #expect(read.status == 400 && read.fieldErrors == validation.fieldErrors && read.message == validation.message)
        let limited = CloseError(status: 429, message: "slow", rateLimit: RateLimitDetails(resetSeconds: 7, limit: 3, windowSeconds: 10))
        #expect(CloseErrorBody.error(status: 429, body: CloseErrorBody.json(for: limited)).rateLimit == limited.rateLimit)
    }

    @Test func oddBodiesNeverTrap() {
        for body in [#"{"error": {"rate_reset": 1e300}}"#, #"{"rate_reset": -1e300}"#, "not json", "", #"{"error": 5}"#] {
            let error = CloseErrorBody.error(status: 429, body: Array(body.utf8), retryAfter: "2")
            #expect(error.status == 429 && (error.rateLimit?.resetSeconds ?? 0) >= 1, "\(body)")
        }
        #expect(CloseErrorBody.error(status: 502, body: Array("<html>Bad gateway</html>".utf8)).message.contains("Bad gateway"))
    }
}
