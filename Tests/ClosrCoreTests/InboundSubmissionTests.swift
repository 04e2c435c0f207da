import ClosrModel
import Testing

@testable import ClosrCore

/// The pure parts of reading an inbound post: field names in any spelling, white space, keys found
/// wherever they are, and what a post's fields become.
@Suite struct InboundSubmissionTests {
    @Test(arguments: [
        ("First Name", "firstname"), ("first-name", "firstname"), ("firstName", "firstname"), ("E-mail", "email"), ("_visitor_id", "visitorid"),
        ("Prénom", "prénom"), ("Téléphone 2", "téléphone2"), ("  ", ""), ("UTM_Source", "utmsource"),
    ])
    func namesAreComparedByTheirLettersAndDigits(_ name: String, _ expected: String) {
        #expect(InboundSubmission.normalized(name) == expected)
    }

    @Test func keysAreFoundWhereverTheyAre() {
        let key = "closr_" + String(repeating: "aZ09-_", count: 7) + "x"
        #expect(InboundSubmission.containsKey(key) && InboundSubmission.containsKey("my key: \(key) thanks") && InboundSubmission.containsKey("closr_ then \(key)"))
        #expect(!InboundSubmission.containsKey(String(key.dropLast())) && !InboundSubmission.containsKey("closr_" + String(repeating: "!", count: 43)))
        #expect(InboundSubmission.isKeyField("_api_key") && InboundSubmission.isKeyField("apiKey") && !InboundSubmission.isKeyField("key"))
    }

    @Test func fieldsBecomeALeadAndContactAndTheRestIsKept() throws {
        let submission = InboundSubmission(fields: [
            ("First Name", " Ada "), ("Last Name", "Lovelace\n"), ("Email", "ada@example.com"), ("email_address", "other@example.com"),
            ("_wpnonce", "abc"), ("Budget", "5k"), ("_redirect", "https://example.com/"), ("_honeypot", "false"), ("empty", " "),
        ])
        #expect(submission.personName == "Ada Lovelace" && submission.email == "ada@example.com" && !submission.honeypotFilled)
        #expect(submission.redirect == "https://example.com/")
        #expect(submission.extras.map(\.name) == ["email_address", "Budget"], "the second email is kept, the form tool's field is not in the description")
        #expect(submission.values.map(\.name) == ["First Name", "Last Name", "Email", "email_address", "_wpnonce", "Budget", "empty"])
        #expect(submission.description == "email_address: other@example.com\nBudget: 5k")
        try submission.validate()
        #expect(InboundSubmission.trimmed("\t a b \r\n") == "a b" && InboundSubmission.trimmed(" \n ") == "")
    }
}
