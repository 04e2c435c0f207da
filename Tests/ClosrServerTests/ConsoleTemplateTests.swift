import Testing

@testable import ClosrServer

/// The console's templates are constants; every one must parse, or its page would show only an error.
@Suite struct ConsoleTemplateTests {
    @Test func everyTemplateParsesAndRenders() {
        #expect(ConsoleTemplates.parsed.failures.isEmpty, "\(ConsoleTemplates.parsed.failures)")
        for (name, _) in ConsoleTemplates.all {
            #expect(!ConsoleTemplates.render(name, [:]).contains("its template did not parse"), "\(name)")
        }
        #expect(ConsoleTemplates.render("layout", ["title": "T", "body": "<p>x</p>"]).contains("<p>x</p>"))
    }
}
