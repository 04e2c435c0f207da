import ClosrCore
import ClosrModel
import Foundation
import HTTPTypes
import Hummingbird

/// The lead page (contacts, opportunities, tasks, activity with form submissions, tracked page views) and
/// the forms that change a lead: new and edit, a note, a task, an opportunity. Each form's values are
/// checked here first so a message can sit beside its field; the API then checks them again and stores
/// them, and anything it refuses is shown on the page. Nothing is stored from a refused form.
extension ConsoleController {
    func addLeadRoutes(to routes: CloseRoutes) {
        routes.on("leads/new", .get) { request, context in
            try await signedIn(request, context) { session in try await leadForm(request, context, session, leadID: nil) }
        }
        routes.on("leads/new", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await saveLead(request, context, session, leadID: nil, form) }
        }
        routes.on("lead/:id", .get) { request, context in
            try await signedIn(request, context) { session in try await leadPage(request, context, session, id: leadID(context)) }
        }
        routes.on("lead/:id/edit", .get) { request, context in
            try await signedIn(request, context) { session in try await leadForm(request, context, session, leadID: leadID(context)) }
        }
        routes.on("lead/:id/edit", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await saveLead(request, context, session, leadID: leadID(context), form) }
        }
        routes.on("lead/:id/notes", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await addNote(request, context, session, leadID(context), form) }
        }
        routes.on("lead/:id/tasks", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await addTask(request, context, session, leadID(context), form) }
        }
        routes.on("lead/:id/opportunities", .post) { request, context in
            try await signedInForm(request, context) { session, form in try await addOpportunity(request, context, session, leadID(context), form) }
        }
    }

    func leadID(_ context: ClosrRequestContext) -> String { context.parameters.get("id") ?? "" }

    static func notFoundPage(_ session: ConsolePage.Session) -> Response {
        ConsolePage.html(ConsoleTemplates.render("layout", ["title": "Not found", "signedIn": true, "csrf": session.csrf,
            "body": "<section class=\"card\"><h1>No such lead</h1><p>It was deleted, or it belongs to another organization.</p><p><a href=\"/leads\">Back to the leads</a></p></section>"]),
            status: .notFound)
    }

    // MARK: The lead page

    func leadPage(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, id: String,
                  fieldErrors: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let api = api(request, context, session)
        let lead: Lead
        do {
            lead = try await api.leads.get(id)
        } catch let error as CloseError where error.status == 404 || error.status == 400 {
            return Self.notFoundPage(session)
        }
        let activities = try await api.activities.page(skip: 0, limit: 50, query: [("lead_id", id), ("_order_by", "-activity_at")]).objects
        let tasks = try await api.tasks.page(skip: 0, limit: 50, query: [("lead_id", id), ("_type", "all")]).objects
        let views = try WireObject(try JSONValue(parsing: try await api.send(.GET, "page_view/", query: [("lead_id", id), ("_limit", "50")])))
            .objects("data", as: PageView.self)
        let statuses = try await api.opportunityStatuses.list().all()
        let me = try await api.me()
        let currency = me.organizations.first { $0.id == session.principal.organizationID }?.currency ?? "USD"
        var values: [String: Any] = [
            "id": lead.id, "name": lead.displayName, "status": lead.statusLabel, "description": lead.description, "currency": currency,
            "contacts": lead.contacts.map { contact -> [String: Any] in
                Self.present(["name": contact.displayName, "title": contact.title, "emails": contact.emails.map(\.email), "phones": contact.phones.map(\.phone)])
            },
            "opportunities": lead.opportunities.map { opportunity -> [String: Any] in
                Self.present(["value": Money.formatted(cents: opportunity.value, currency: opportunity.valueCurrency, period: opportunity.valuePeriod),
                 "status": opportunity.statusLabel, "confidence": opportunity.confidence, "note": opportunity.note])
            },
            "opportunityStatuses": statuses.sorted { ($0.type == "active" ? 0 : 1) < ($1.type == "active" ? 0 : 1) }.map { ["id": $0.id, "label": $0.label] },
            "tasks": tasks.map { task -> [String: Any] in Self.present(["text": task.text, "date": task.date ?? "", "done": task.isComplete]) },
            "activities": activities.map { Self.present(Self.activityRow($0)) },
            "pageViews": views.map { ["when": ConsolePage.shortDate($0.dateCreated), "title": $0.title ?? "", "url": $0.url] },
        ]
        if let url = lead.url, !url.isEmpty {
            if let scheme = URL(string: url)?.scheme?.lowercased(), ["http", "https"].contains(scheme) { values["link"] = url } else { values["plainURL"] = url }
        }
        for (field, message) in fieldErrors { values[field + "Error"] = message }
        if let error { values["error"] = error }
        values = Self.present(values)
        return ConsolePage.page(title: lead.displayName.isEmpty ? "Lead" : lead.displayName, template: "lead", values, session: session,
                                email: me.user.email, status: status)
    }

    /// The values with empty texts left out: Mustache shows a section for any string, even an empty one.
    static func present(_ values: [String: Any]) -> [String: Any] {
        values.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }

    /// One line of the timeline: the activity's kind, when and by whom, its text, and a form submission's
    /// fields as sent.
    static func activityRow(_ activity: Activity) -> [String: Any] {
        func text(_ name: String) -> String? {
            guard let value = activity.fields.first(where: { $0.0 == name })?.1, case .string(let text) = value, !text.isEmpty else { return nil }
            return text
        }
        let kind = activity.type.reduce(into: "") { result, character in
            if character.isUppercase, !result.isEmpty { result += " " }
            result.append(character)
        }
        var row: [String: Any] = ["kind": kind, "when": ConsolePage.shortDate(activity.activityAt ?? activity.dateCreated), "who": activity.userName ?? ""]
        row["summary"] = text("note") ?? text("subject") ?? text("text") ?? text("form_name") ?? text("new_status_label").map { "Now \($0)" } ?? ""
        if case .object(let pairs)? = activity.fields.first(where: { $0.0 == "values_by_name" })?.1 {
            row["values"] = pairs.prefix(30).map { name, value -> String in
                if case .string(let text) = value { return "\(name): \(text)" }
                return "\(name): \(String(decoding: value.serialized(), as: UTF8.self))"
            }
        }
        return row
    }

    // MARK: New and edit

    func leadForm(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, leadID: String?,
                  form: [String: String]? = nil, fieldErrors: [String: String] = [:], error: String? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let api = api(request, context, session)
        var current = form ?? [:]
        if form == nil, let leadID {
            do {
                let lead = try await api.leads.get(leadID)
                current = ["name": lead.name, "url": lead.url ?? "", "description": lead.description, "status_id": lead.statusID]
            } catch let error as CloseError where error.status == 404 || error.status == 400 {
                return Self.notFoundPage(session)
            }
        }
        let statuses = try await api.leadStatuses.list().all()
        var values: [String: Any] = [
            "heading": leadID == nil ? "New lead" : "Edit lead", "newLead": leadID == nil,
            "action": leadID.map { "/lead/\(CloseAPIDecoding.percentEncoded($0))/edit" } ?? "/leads/new",
            "back": leadID.map { Lead.htmlPath(id: CloseAPIDecoding.percentEncoded($0)) } ?? "/leads",
            "statuses": statuses.map { ["id": $0.id, "label": $0.label, "selected": $0.id == current["status_id"]] },
        ]
        for name in ["name", "url", "description", "contact_name", "contact_email", "contact_phone"] {
            values[Self.camel(name) + "Value"] = current[name] ?? ""
        }
        for (field, message) in fieldErrors { values[field + "Error"] = message }
        if let error { values["error"] = error }
        let me = try await api.me()
        return ConsolePage.page(title: leadID == nil ? "New lead" : "Edit lead", template: "leadForm", values, session: session,
                                email: me.user.email, status: status)
    }

    /// `contact_email` → `contactEmail`.
    static func camel(_ name: String) -> String {
        let parts = name.split(separator: "_")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
    }

    func saveLead(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, leadID: String?,
                  _ form: [String: String]) async throws -> Response {
        let field = { (name: String) in (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String: String] = [:]
        if field("name").isEmpty { errors["name"] = "Give the lead a name: the company or the person." }
        else if field("name").count > 500 { errors["name"] = "Use at most 500 characters." }
        if !field("url").isEmpty {
            let scheme = URL(string: field("url"))?.scheme?.lowercased()
            if field("url").count > 2000 || !["http", "https"].contains(scheme ?? "") || URL(string: field("url"))?.host == nil {
                errors["url"] = "Give a web address starting with http:// or https://."
            }
        }
        if field("description").count > 10_000 { errors["description"] = "Use at most 10,000 characters." }
        if leadID == nil, !field("contact_email").isEmpty {
            let email = field("contact_email")
            if email.count > 320 || !email.contains("@") || email.contains(where: \.isWhitespace) { errors["email"] = "Give an email address such as ada@example.com." }
        }
        guard errors.isEmpty else {
            return try await leadForm(request, context, session, leadID: leadID, form: form, fieldErrors: errors, status: .badRequest)
        }
        var body: [(String, JSONValue)] = [("name", .string(field("name"))), ("description", .string(field("description"))),
                                           ("url", field("url").isEmpty ? .null : .string(field("url")))]
        if !field("status_id").isEmpty { body.append(("status_id", .string(field("status_id")))) }
        if leadID == nil, !(field("contact_name") + field("contact_email") + field("contact_phone")).isEmpty {
            var contact: [(String, JSONValue)] = [("name", .string(field("contact_name")))]
            if !field("contact_email").isEmpty { contact.append(("emails", [["email": .string(field("contact_email")), "type": "office"]])) }
            if !field("contact_phone").isEmpty { contact.append(("phones", [["phone": .string(field("contact_phone")), "type": "office"]])) }
            body.append(("contacts", .array([.object(contact)])))
        }
        let api = api(request, context, session)
        do {
            let lead = if let leadID { try await api.leads.update(leadID, .object(body)) } else { try await api.leads.create(.object(body)) }
            return ConsolePage.redirect(Lead.htmlPath(id: CloseAPIDecoding.percentEncoded(lead.id)))
        } catch let error as CloseError where error.status == 404 {
            return Self.notFoundPage(session)
        } catch let error as CloseError where (400..<500).contains(error.status) {
            var fieldErrors: [String: String] = [:]
            for (key, message) in error.fieldErrors {
                let name = key.contains("email") ? "email" : key.contains("phone") ? "phone" : key.contains("url") ? "url" : key.contains("name") ? "name" : nil
                if let name { fieldErrors[name] = message }
            }
            return try await leadForm(request, context, session, leadID: leadID, form: form, fieldErrors: fieldErrors,
                                      error: fieldErrors.isEmpty ? error.message : nil, status: .badRequest)
        }
    }

    // MARK: Note, task, opportunity

    func addNote(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ leadID: String,
                 _ form: [String: String]) async throws -> Response {
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.isEmpty || note.count > 20_000 {
            return try await leadPage(request, context, session, id: leadID, fieldErrors: ["note": note.isEmpty ? "Write the note first." : "Use at most 20,000 characters."], status: .badRequest)
        }
        return try await create(request, context, session, leadID, path: "activity/note/", ["lead_id": .string(leadID), "note": .string(note)])
    }

    func addTask(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ leadID: String,
                 _ form: [String: String]) async throws -> Response {
        let text = (form["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let date = (form["date"] ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        if text.isEmpty { errors["task"] = "Say what is to be done." } else if text.count > 1000 { errors["task"] = "Use at most 1,000 characters." }
        if !date.isEmpty, date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil { errors["date"] = "Give a date such as 2026-12-24." }
        guard errors.isEmpty else { return try await leadPage(request, context, session, id: leadID, fieldErrors: errors, status: .badRequest) }
        var body: [(String, JSONValue)] = [("lead_id", .string(leadID)), ("text", .string(text))]
        if !date.isEmpty { body.append(("date", .string(date))) }
        return try await create(request, context, session, leadID, path: "task/", .object(body))
    }

    func addOpportunity(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ leadID: String,
                        _ form: [String: String]) async throws -> Response {
        let valueText = (form["value"] ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        let confidenceText = (form["confidence"] ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        let cents = Self.cents(valueText)
        if !valueText.isEmpty, cents == nil { errors["value"] = "Give an amount such as 1200 or 1200.50." }
        let confidence = confidenceText.isEmpty ? 0 : Int(confidenceText) ?? -1
        if !(0...100).contains(confidence) { errors["confidence"] = "Give a whole number from 0 to 100." }
        guard errors.isEmpty else { return try await leadPage(request, context, session, id: leadID, fieldErrors: errors, status: .badRequest) }
        var body: [(String, JSONValue)] = [("lead_id", .string(leadID)), ("confidence", .int(confidence))]
        if let cents { body.append(("value", .int(cents))) }
        if let status = form["status_id"], !status.isEmpty { body.append(("status_id", .string(status))) }
        return try await create(request, context, session, leadID, path: "opportunity/", .object(body))
    }

    /// `1200`, `1200.5`, `1200.50` → cents; nil for anything else or past a trillion.
    static func cents(_ text: String) -> Int? {
        guard let match = text.wholeMatch(of: /(\d{1,12})(?:\.(\d{1,2}))?/) else { return nil }
        let whole = Int(match.1)!
        let fraction = match.2.map { $0.count == 1 ? Int($0)! * 10 : Int($0)! } ?? 0
        return whole * 100 + fraction
    }

    /// Creates through the API and goes back to the lead; a refusal is shown on the lead page.
    private func create(_ request: Request, _ context: ClosrRequestContext, _ session: ConsolePage.Session, _ leadID: String,
                        path: String, _ body: JSONValue) async throws -> Response {
        do {
            _ = try await api(request, context, session).send(.POST, path, body: body)
            return ConsolePage.redirect(Lead.htmlPath(id: CloseAPIDecoding.percentEncoded(leadID)))
        } catch let error as CloseError where (400..<500).contains(error.status) {
            if error.status == 404 { return Self.notFoundPage(session) }
            return try await leadPage(request, context, session, id: leadID, error: error.message, status: .badRequest)
        }
    }
}
