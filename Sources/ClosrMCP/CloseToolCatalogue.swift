import ClosrModel

/// The tools, with Close's MCP names and argument names (close-mcp.md §4) where Closr has the data, and
/// plain aliases a generic agent looks for first (`list_leads`, `get_lead`, `list_opportunities`,
/// `list_contacts`). Each calls the Close API through ``CloseAPI`` — over HTTP with ClosrClient (`closr mcp`),
/// or in process at the server's `/mcp` — so the same tools serve Closr or Close itself. Money is in cents,
/// as the API's, and also in currency units (`value_in_currency_units`).
enum CloseToolCatalogue {
    static let all: [CloseTool] = reads + searches + writes + updates + deletes

    // MARK: Reading

    static let reads: [CloseTool] = [
        CloseTool(name: "org_info", description: "The organization (id, name, currency, statuses) and the current user.", access: .read,
                  properties: [], required: []) { _, close in
            let me = try await close.me()
            let organization = me.organizations.first
            return ToolOutput(
                summary: "\(organization?.name ?? "No organization"); you are \(me.user.firstName) \(me.user.lastName) <\(me.user.email)>.",
                data: .object([("organization", organization?.jsonValue ?? .null), ("user", me.user.jsonValue)])
            )
        },
        CloseTool(name: "org_users", description: "The organization's active users.", access: .read, properties: [], required: []) { _, close in
            let users = try await close.users()
            return ToolOutput(summary: "\(users.count) users.", data: .object([("users", .array(users.map(\.jsonValue)))]))
        },
        leadSearch(name: "lead_search", description: "Find leads by name, by words anywhere in them (full_text), or by status; most recently updated first."),
        leadSearch(name: "list_leads", description: "List leads, optionally filtered by name, words (full_text) or status; most recently updated first."),
        fetch("fetch_lead", "A lead with its contacts, opportunities, open tasks and custom fields.") { try await $0.leads.get($1).jsonValue },
        fetch("get_lead", "A lead with its contacts, opportunities, open tasks and custom fields (alias of fetch_lead).") { try await $0.leads.get($1).jsonValue },
        fetch("fetch_contact", "A contact with its emails, phones and lead.") { try await $0.contacts.get($1).jsonValue },
        fetch("fetch_opportunity", "An opportunity with its value (cents and currency units), confidence and status.") {
            opportunityJSON(try await $0.opportunities.get($1))
        },
        fetch("fetch_task", "A task.") { try await $0.tasks.get($1).jsonValue },
        fetch("fetch_note", "A note.") { try await $0.notes.get($1).jsonValue },
        CloseTool(name: "fetch", description: "A lead, contact, opportunity, task or note by its id (an acti_… id is read as a note; find other activities with activity_search).", access: .read,
                  properties: [("id", Schema.id)], required: ["id"]) { arguments, close in
            let id = try arguments.id()
            let data: JSONValue
            switch id.prefix(while: { $0 != "_" }) {
            case "lead": data = try await close.leads.get(id).jsonValue
            case "cont": data = try await close.contacts.get(id).jsonValue
            case "oppo": data = opportunityJSON(try await close.opportunities.get(id))
            case "task": data = try await close.tasks.get(id).jsonValue
            case "acti":
                do {
                    data = try await close.notes.get(id).jsonValue
                } catch let error as CloseError where error.status == 404 {
                    throw ToolError("No note has the id \"\(id)\": fetch reads notes among activities; find calls, emails, meetings and others with activity_search.")
                }
            default: throw ToolError("\"\(id)\" is not the id of a lead, contact, opportunity, task or note.")
            }
            return ToolOutput(summary: "Fetched \(id).", data: .object([("object", data)]))
        },
        paged("find_opportunities", "Opportunities, filtered by lead, status type (active, won, lost), status, users or dates, ordered by sort_by (newest first by default).",
              filters: [("lead_id", Schema.string("Only this lead's.")), ("status_type", Schema.string("active, won or lost.")),
                        ("status_ids", Schema.list("Only these statuses.", of: Schema.string("A status id."))),
                        ("user_ids", Schema.list("Only these users'.", of: Schema.string("A user id.")))],
              ranges: [("close_at", "date_won", "Expected or actual close date."), ("created_at", "date_created", "When created."),
                       ("updated_at", "date_updated", "When last changed.")],
              sorts: ["closing_soonest": "date_won", "largest_value": "-value", "largest_confidence": "-confidence"],
              plural: "opportunities", resource: { $0.opportunities }, json: opportunityJSON),
        paged("list_opportunities", "Opportunities, filtered by lead or status type (active, won, lost) (alias of find_opportunities).",
              filters: [("lead_id", Schema.string("Only this lead's.")), ("status_type", Schema.string("active, won or lost."))],
              plural: "opportunities", resource: { $0.opportunities }, json: opportunityJSON),
        paged("list_contacts", "Contacts, optionally of one lead.", filters: [("lead_id", Schema.string("Only this lead's."))],
              plural: "contacts", resource: { $0.contacts }, json: \.jsonValue),
        paged("find_tasks", "Tasks, filtered by lead, assignee, completion or dates.",
              filters: [("lead_id", Schema.string("Only this lead's.")), ("assigned_to", Schema.string("Only this user's.")),
                        ("is_complete", Schema.boolean("Completed (true) or open (false) only."))],
              ranges: [("due_date", "date", "When due."), ("created_at", "date_created", "When created."), ("updated_at", "date_updated", "When last changed.")],
              plural: "tasks", resource: { $0.tasks }, json: \.jsonValue),
        paged("find_notes", "Notes, filtered by lead, contact, user or dates; newest first.",
              filters: [("lead_id", Schema.string("Only this lead's.")), ("contact_id", Schema.string("Only this contact's.")),
                        ("user_id", Schema.string("Only this user's."))],
              ranges: [("activity_at", "activity_at", "When it happened."), ("date_created", "date_created", "When it was written down.")],
              plural: "notes", resource: { $0.notes }, json: \.jsonValue),
        CloseTool(name: "activity_search", description: "Activities (calls, emails, notes, meetings, SMS, custom activities, …), newest first, by lead, contact, user or type.",
                  access: .read, properties: [
            ("lead_ids", Schema.list("Only these leads'.", of: Schema.string("A lead id."))), ("contact_ids", Schema.list("Only these contacts'.", of: Schema.string("A contact id."))),
            ("user_ids", Schema.list("Only these users'.", of: Schema.string("A user id."))),
            ("activity_types", Schema.list("activity.call, activity.email, activity.note, activity.meeting, activity.sms, activity.custom_activity, …", of: Schema.string("A type."))),
            ("activity_at", Schema.dateRange("When it happened.")), ("cursor", Schema.cursor), ("limit", Schema.limit),
        ], required: []) { arguments, close in
            var query = try arguments.dateRange("activity_at", column: "activity_at")
            for (argument, parameter) in [("lead_ids", "lead_id__in"), ("contact_ids", "contact_id__in"), ("user_ids", "user_id__in")] {
                if let ids = try arguments.strings(argument) { query.append((parameter, ids.joined(separator: ","))) }
            }
            if let types = try arguments.strings("activity_types") {
                query.append(("_type__in", try types.map { type in
                    guard let name = ActivityTypes.byEventName[type.hasPrefix("activity.") ? String(type.dropFirst(9)) : type] else {
                        throw ToolError("Unknown activity type \"\(type)\": use \(ActivityTypes.byEventName.keys.sorted().map { "activity." + $0 }.joined(separator: ", ")).")
                    }
                    return name
                }.joined(separator: ",")))
            }
            query.append(("_order_by", "-activity_at"))
            return try await page(arguments, plural: "activities", query: query, resource: close.activities, json: \.jsonValue)
        },
        CloseTool(name: "find_lead_statuses", description: "The organization's lead statuses.", access: .read, properties: [], required: []) { _, close in
            let statuses = try await close.leadStatuses.list().all()
            return ToolOutput(summary: statuses.map(\.label).joined(separator: ", "), data: .object([("lead_statuses", .array(statuses.map(\.jsonValue)))]))
        },
        CloseTool(name: "find_pipelines_and_opportunity_statuses", description: "Pipelines with their opportunity statuses.", access: .read,
                  properties: [], required: []) { _, close in
            let pipelines = try await close.pipelines.list().all()
            let statuses = try await close.opportunityStatuses.list().all()
            let data: JSONValue = .array(pipelines.map { pipeline in
                .object([("id", .string(pipeline.id)), ("name", .string(pipeline.name)),
                         ("statuses", .array(statuses.filter { $0.pipelineID == pipeline.id }.map(\.jsonValue)))])
            })
            return ToolOutput(summary: "\(pipelines.count) pipelines, \(statuses.count) opportunity statuses.", data: .object([("pipelines", data)]))
        },
        CloseTool(name: "find_lead_custom_fields", description: "The custom fields of leads (use their ids in custom_fields).", access: .read,
                  properties: [], required: []) { _, close in
            let fields = try await close.customFields("lead").list().all()
            return ToolOutput(summary: fields.map { "\($0.name) (\($0.id), \($0.type.rawValue))" }.joined(separator: "; "),
                              data: .object([("custom_fields", .array(fields.map(\.jsonValue)))]))
        },
    ]

    /// An opportunity with its value in currency units beside the cents.
    static func opportunityJSON(_ opportunity: Opportunity) -> JSONValue {
        var members = opportunity.jsonValue.objectMembers ?? []
        members.append(("value_in_currency_units", opportunity.value.map { .double(Double($0) / 100) } ?? .null))
        return .object(members)
    }

    static func leadSearch(name: String, description: String) -> CloseTool {
        CloseTool(name: name, description: description, access: .read, properties: [
            ("name", Schema.string("Part of the lead's name.")), ("full_text", Schema.string("Words found in names, descriptions, contacts, emails or phones.")),
            ("lead_status_id", Schema.string("Only leads of this status.")), ("cursor", Schema.cursor), ("limit", Schema.limit),
        ], required: []) { arguments, close in
            var words: [String] = []
            if let name = try arguments.string("name", maxLength: 200) { words.append("name:\"\(name.replacingOccurrences(of: "\"", with: ""))\"") }
            if let text = try arguments.string("full_text", maxLength: 1000) { words.append(text) }
            if let statusID = try arguments.optionalID("lead_status_id") {
                guard let status = try await close.leadStatuses.list().all().first(where: { $0.id == statusID }) else {
                    throw ToolError("No lead status has the id \"\(statusID)\": find_lead_statuses lists them.")
                }
                words.append("status:\"\(status.label)\"")
            }
            words.append("sort:-date_updated")
            let search = SavedSearch(tool: .leads, query: words.joined(separator: " "))
            return try await search.page(skip: try cursorSkip(arguments), limit: try arguments.int("limit", in: 1...100) ?? 25, close: close)
        }
    }

    static func fetch(_ name: String, _ description: String, _ read: @escaping @Sendable (any CloseAPI, String) async throws -> JSONValue) -> CloseTool {
        CloseTool(name: name, description: description, access: .read, properties: [("id", Schema.id)], required: ["id"]) { arguments, close in
            let id = try arguments.id()
            return ToolOutput(summary: "Fetched \(id).", data: .object([("object", try await read(close, id))]))
        }
    }

    /// A list tool: its filters passed as the list's query parameters (`…_ids` lists as `…_id__in`), its
    /// date ranges as Django-style bounds on their columns, and `sort_by` (when it has sorts) as `_order_by`.
    static func paged<Object: WireDecodable & Sendable>(
        _ name: String, _ description: String, filters: [(String, JSONValue)], ranges: [(argument: String, column: String, description: String)] = [],
        sorts: [String: String] = [:], plural: String,
        resource: @escaping @Sendable (any CloseAPI) -> Resource<Object>, json: @escaping @Sendable (Object) -> JSONValue
    ) -> CloseTool {
        var properties = filters + ranges.map { ($0.argument, Schema.dateRange($0.description)) }
        if !sorts.isEmpty { properties.append(("sort_by", Schema.string("The order: \(sorts.keys.sorted().joined(separator: ", ")).") )) }
        return CloseTool(name: name, description: description, access: .read, properties: properties + [("cursor", Schema.cursor), ("limit", Schema.limit)],
                         required: []) { arguments, close in
            var query: [(String, String)] = []
            for (filter, _) in filters {
                switch arguments.members[filter] {
                case nil, .null?: continue
                case .string(let text)?: query.append((filter.hasSuffix("_ids") ? String(filter.dropLast(4)) + "_id__in" : filter, text))
                case .bool(let flag)?: query.append((filter, flag ? "true" : "false"))
                case .array(let values)?:
                    let texts = values.compactMap { value -> String? in if case .string(let text) = value { return text }; return nil }
                    guard texts.count == values.count else { throw ToolError("\"\(filter)\" must be a list of ids.") }
                    query.append((String(filter.dropLast(4)) + "_id__in", texts.joined(separator: ",")))
                default: throw ToolError("\"\(filter)\" has the wrong type.")
                }
            }
            for range in ranges { query += try arguments.dateRange(range.argument, column: range.column) }
            if let sort = try arguments.string("sort_by", maxLength: 40) {
                guard let order = sorts[sort] else { throw ToolError("\"sort_by\" is one of \(sorts.keys.sorted().joined(separator: ", ")).") }
                query.append(("_order_by", order))
            }
            return try await page(arguments, plural: plural, query: query, resource: resource(close), json: json)
        }
    }

    /// One page of a list, with the cursor of the next (an offset) or null at the end.
    static func page<Object: WireDecodable & Sendable>(
        _ arguments: ToolArguments, plural: String, query: [(String, String)], resource: Resource<Object>, json: (Object) -> JSONValue
    ) async throws -> ToolOutput {
        let skip = try cursorSkip(arguments)
        let limit = try arguments.int("limit", in: 1...100) ?? 25
        let page = try await resource.page(skip: skip, limit: limit, query: query)
        let next: JSONValue = page.hasMore ? .string(String(skip + page.objects.count)) : .null
        var data: [(String, JSONValue)] = [(plural, .array(page.objects.map(json))), ("cursor", next)]
        if let total = page.totalResults { data.append(("total_results", .int(total))) }
        return ToolOutput(summary: "\(page.objects.count) \(plural)" + (page.totalResults.map { " of \($0)" } ?? "") + (page.hasMore ? "; more with the cursor." : "."),
                          data: .object(data))
    }
}
