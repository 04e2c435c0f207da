import ClosrClient
import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ClosrServer

/// ClosrClient, the Swift SDK, against a live server on a socket: every resource's create, read, list to
/// the end, update and delete; Close's errors as typed errors with their field errors; a 429 waited
/// out; no answer at all.
@Suite struct ClientSDKTests {
    static func client(_ port: Int, _ key: String) -> ClosrClient {
        var configuration = ClosrClient.Configuration(baseURL: "http://127.0.0.1:\(port)/api/v1", apiKey: key)
        configuration.retryBackoff = .milliseconds(20)
        return ClosrClient(configuration: configuration)
    }

    @Test func everyResourceIsCreatedReadListedUpdatedAndDeleted() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let close = Self.client(app.port!, env.secret)
            let me = try await close.me()
            #expect(me.user.email == "ada@example.com" && me.organizations.first?.id == env.organizationID)

            let lead = try await close.leads.create(["name": "Acme", "url": "https://acme.example", "contacts": [["name": "Wile", "emails": [["email": "wile@acme.example"]]]]])
            #expect(lead.name == "Acme" && lead.contacts.first?.emails.first?.email == "wile@acme.example")
            #expect(try await close.leads.get(lead.id).contacts.count == 1)
            #expect(try await close.leads.update(lead.id, ["description": "Roadrunner supplies"]).description == "Roadrunner supplies")

            let contact = try await close.contacts.create(["lead_id": .string(lead.id), "name": "Road Runner", "phones": [["phone": "+14155550100"]]])
            #expect(contact.leadID == lead.id && contact.phones.first?.phone == "+14155550100")
            #expect(try await close.contacts.update(contact.id, ["title": "Bird"]).title == "Bird")

            let opportunity = try await close.opportunities.create(["lead_id": .string(lead.id), "value": 125_000, "confidence": 60, "note": "anvils"])
            #expect(opportunity.value == 125_000 && opportunity.expectedValue == 75_000 && opportunity.statusType == "active")
            #expect(try await close.opportunities.update(opportunity.id, ["confidence": 90]).confidence == 90)

            let task = try await close.tasks.create(["lead_id": .string(lead.id), "text": "Call back", "date": "2031-01-02"])
            #expect(task.text == "Call back" && task.date == "2031-01-02" && !task.isComplete)
            #expect(try await close.tasks.update(task.id, ["is_complete": true]).isComplete)

            let note = try await close.notes.create(["lead_id": .string(lead.id), "note": "Met at the canyon"])
            #expect(note.type == "Note" && note["note"] == .string("Met at the canyon"))
            let onLead = try await Array(close.activities.list(query: [("lead_id", lead.id)]))
            #expect(Set(onLead.map(\.type)).isSuperset(of: ["Note", "Created"]), "\(onLead.map(\.type))")

            let status = try await close.leadStatuses.create(["label": "Hot"])
            #expect(try await Array(close.leadStatuses.list()).contains { $0.id == status.id && $0.kind == .lead })
            let field = try await close.customFields("lead").create(["name": "Industry", "type": "text"])
            #expect(field.type == .text && field.name == "Industry")
            #expect(try await close.leads.update(lead.id, ["custom.\(field.id)": "Explosives"]).custom.values.first?.value == .string("Explosives"))

            try await close.notes.delete(note.id)
            try await close.tasks.delete(task.id)
            try await close.opportunities.delete(opportunity.id)
            try await close.contacts.delete(contact.id)
            let emptied = try await close.leads.get(lead.id)
            #expect(emptied.contacts.map(\.name) == ["Wile"] && emptied.opportunities.isEmpty)
            try await close.leads.delete(lead.id)
            do {
                _ = try await close.leads.get(lead.id)
                Issue.record("a deleted lead was read")
            } catch let error as CloseError {
                #expect(error.status == 404)
            }
        }
    }

    @Test func listsArePagedToTheEnd() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let close = Self.client(app.port!, env.secret)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<230 {
                    group.addTask { _ = try await close.leads.create(["name": .string("Lead \(index)")]) }
                    if index % 16 == 15 { try await group.waitForAll() }
                }
                try await group.waitForAll()
            }
            let all = try await Array(close.leads.list(pageSize: 100))
            #expect(all.count == 230 && Set(all.map(\.id)).count == 230)
            // `Lead 7` and `Lead 70`…`Lead 79`: two pages of seven.
            let filtered = try await Array(close.leads.list(query: [("query", "name:\"Lead 7\"")], pageSize: 7))
            #expect(filtered.count == 11 && filtered.allSatisfy { $0.name.hasPrefix("Lead 7") } && filtered.contains { $0.name == "Lead 7" })
            let page = try await close.leads.page(skip: 200, limit: 100)
            #expect(page.objects.count == 30 && !page.hasMore && page.totalResults == 230)
            // The event log pages by cursor (50 a page): every creation, once.
            let created = try await Array(close.events(query: [("object_type", "lead"), ("action", "created")]))
            #expect(created.count == 230 && Set(created.map(\.objectID)) == Set(all.map(\.id)))
        }
    }

    @Test func closeErrorsArriveTypedWithTheirFieldErrors() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let close = Self.client(app.port!, env.secret)
            do {
                _ = try await close.leads.create(["name": "X", "status_id": "stat_nope"])
                Issue.record("an unknown status was accepted")
            } catch let error as CloseError {
                #expect(error.status == 400 && error.fieldErrors["status_id"] != nil && error.message.contains("status_id"))
            }
            // An id is one path segment: it cannot reach another endpoint or add a query.
            for id in ["../me", "?_limit=1", "x/?_fields=id"] {
                do {
                    _ = try await close.leads.get(id)
                    Issue.record("\(id) was read as a lead")
                } catch let error as CloseError {
                    #expect(error.status == 404, "\(id): \(error)")
                }
            }
            do {
                _ = try await Self.client(app.port!, "closr_" + String(repeating: "Q", count: 43)).me()
                Issue.record("an unknown key was accepted")
            } catch let error as CloseError {
                #expect(error.status == 401)
            }
        }
    }

    @Test func a429IsWaitedOut() async throws {
        let env = try await TestEnvironment.make(rateLimit: RateLimitPolicy(limit: 2, windowSeconds: 2))
        try await env.withApp(.live) { app in
            let close = Self.client(app.port!, env.secret)
            // Six at once against two a second: some are refused whatever the machine's speed, and waited out.
            let emails = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try await close.me().user.email } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(emails == Array(repeating: "ada@example.com", count: 6))
            #expect(env.logs.all.contains { $0.contains("GET /api/v1/me/ 429") }, "the server did refuse some, and the client waited")
        }
    }

    @Test func noAnswerIsATransportErrorAfterTheRetries() async throws {
        var configuration = ClosrClient.Configuration(baseURL: "http://127.0.0.1:9/api/v1/", apiKey: "closr_x")
        configuration.retryBackoff = .milliseconds(10)
        configuration.maxRetries = 2
        configuration.timeout = .milliseconds(500)
        do {
            _ = try await ClosrClient(configuration: configuration).leads.get("lead_x")
            Issue.record("a closed port answered")
        } catch let error as ClosrClientError {
            #expect("\(error)".contains("GET http://127.0.0.1:9/api/v1/lead/lead_x/"))
        }
    }

    /// A real server answering 500: GET, PUT and DELETE are sent again with back-off until it answers (or
    /// the retries run out, with its 500 as the error); a POST, which may have created something, is not.
    @Test func fiveHundredsAreRetriedForIdempotentRequestsOnly() async throws {
        var configuration = ClosrClient.Configuration(baseURL: "", apiKey: "closr_x")
        configuration.retryBackoff = .milliseconds(5)
        configuration.maxRetries = 2

        let flaky = try await WebhookReceiver.start(failFirst: 2)
        defer { flaky.stop() }
        configuration.baseURL = flaky.url + "/"
        _ = try await ClosrClient(configuration: configuration).send(.GET, "lead/")
        #expect(flaky.failuresLeft.withLock { $0 } == 0 && flaky.deliveries.count == 1, "two 500s, then the third try answered")

        let down = try await WebhookReceiver.start(failFirst: 10)
        defer { down.stop() }
        configuration.baseURL = down.url + "/"
        await #expect(throws: CloseError.self) { _ = try await ClosrClient(configuration: configuration).send(.DELETE, "lead/lead_x/") }
        #expect(down.failuresLeft.withLock { $0 } == 7, "one try and two retries, then the 500 is the error")
        await #expect(throws: CloseError.self) { _ = try await ClosrClient(configuration: configuration).send(.POST, "lead/", body: ["name": "x"]) }
        #expect(down.failuresLeft.withLock { $0 } == 6, "a POST is sent once")
    }

    /// `_fields` through the typed page request: each object keeps exactly the members named.
    @Test func aPageCanBeNarrowedToSomeFields() async throws {
        let env = try await TestEnvironment.make()
        try await env.withApp(.live) { app in
            let close = ClosrClient(baseURL: "http://127.0.0.1:\(app.port!)/api/v1/", apiKey: env.secret)
            _ = try await close.leads.create(["name": "Narrow Co", "description": "not asked for"])
            let page = try await close.leads.page(PageRequest(limit: 5, fields: ["id", "display_name"]), query: [("query", "Narrow")])
            guard case .array(let items)? = page["data"] else { Issue.record("no data: \(page)"); return }
            #expect(items.count == 1)
            #expect(items.first?.objectMembers?.map(\.0).sorted() == ["display_name", "id"])
            #expect(page["total_results"] == .int(1))
        }
    }
}
