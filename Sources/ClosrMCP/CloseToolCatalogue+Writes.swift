import ClosrModel

extension CloseToolCatalogue {
    /// `create_address` calls of this process, one lead's at a time.
    static let addressWrites = SerialLanes()

    // MARK: Creating (mcp.write_safe)

    static let writes: [CloseTool] = [
        CloseTool(name: "create_lead", description: "Create a lead, optionally with contacts (each with name, title, emails, phones).", access: .writeSafe, properties: [
            ("name", Schema.string("The company or person.")), ("description", Schema.string("Notes about the lead.")),
            ("url", Schema.string("The lead's website.")), ("status_id", Schema.string("A lead status id (default: the first status).")),
            ("contacts", Schema.list("Contacts to create with the lead.", of: Schema.object([
                ("name", Schema.string("Full name.")), ("title", Schema.string("Job title.")), ("emails", Schema.emails), ("phones", Schema.phones),
            ]))),
            ("custom_fields", Schema.customFields),
        ], required: []) { arguments, close in
            var body = arguments.passing(["name", "description", "url", "status_id"])
            if let contacts = try arguments.objects("contacts", max: 50) { body.append(("contacts", .array(contacts))) }
            body += try arguments.customFields()
            _ = try arguments.string("name", maxLength: 1000)
            let lead = try await close.leads.create(.object(body))
            return ToolOutput(summary: "Created lead \(lead.displayName) (\(lead.id)) with \(lead.contacts.count) contacts.", data: .object([("lead", lead.jsonValue)]))
        },
        CloseTool(name: "create_contact", description: "Add a contact to a lead.", access: .writeSafe, properties: [
            ("lead_id", Schema.string("The lead.")), ("name", Schema.string("Full name.")), ("title", Schema.string("Job title.")),
            ("emails", Schema.emails), ("phones", Schema.phones), ("urls", Schema.urls), ("custom_fields", Schema.customFields),
        ], required: ["lead_id"]) { arguments, close in
            _ = try arguments.id("lead_id")
            let contact = try await close.contacts.create(.object(arguments.passing(["lead_id", "name", "title", "emails", "phones", "urls"]) + arguments.customFields()))
            return ToolOutput(summary: "Created contact \(contact.displayName) (\(contact.id)).", data: .object([("contact", contact.jsonValue)]))
        },
        CloseTool(name: "create_opportunity", description: "Create an opportunity on a lead; value in cents.", access: .writeSafe, properties: [
            ("lead_id", Schema.string("The lead.")), ("status_id", Schema.string("An opportunity status id (default: the first active one).")),
            ("value", Schema.integer("The value in cents (1000 = 10.00).", minimum: 0, maximum: Opportunity.maxValue)),
            ("value_period", Schema.string("one_time, monthly or annual.")), ("confidence", Schema.integer("0 to 100.", minimum: 0, maximum: 100)),
            ("contact_id", Schema.string("A contact of the lead.")), ("user_id", Schema.string("The owner.")), ("note", Schema.string("A note.")),
            ("close_at", Schema.string("The expected close date (2026-12-24).")), ("custom_fields", Schema.customFields),
        ], required: ["lead_id"]) { arguments, close in
            _ = try arguments.id("lead_id")
            _ = try arguments.int("value", in: 0...Opportunity.maxValue)
            _ = try arguments.int("confidence", in: 0...100)
            var body = arguments.passing(["lead_id", "status_id", "value", "value_period", "confidence", "contact_id", "user_id", "note"]) + (try arguments.customFields())
            // Close's MCP says close_at; the opportunity API says date_won.
            if let closeAt = try arguments.string("close_at", maxLength: 40) { body.append(("date_won", .string(closeAt))) }
            let opportunity = try await close.opportunities.create(.object(body))
            return ToolOutput(summary: "Created opportunity \(opportunity.id) worth \(Money.formatted(cents: opportunity.value, currency: opportunity.valueCurrency, period: opportunity.valuePeriod)).",
                              data: .object([("opportunity", opportunityJSON(opportunity))]))
        },
        CloseTool(name: "create_address", description: "Add an address to a lead.", access: .writeSafe, properties: [
            ("lead_id", Schema.string("The lead.")), ("label", Schema.string("business, mailing or other.")), ("address_1", Schema.string("Street.")),
            ("address_2", Schema.string("More of the street.")), ("city", Schema.string("City.")), ("state", Schema.string("State or region.")),
            ("zipcode", Schema.string("Postal code.")), ("country", Schema.string("Country (ISO 3166 two letters).")),
        ], required: ["lead_id", "label", "address_1", "city", "state", "zipcode", "country"]) { arguments, close in
            let leadID = try arguments.id("lead_id")
            for name in ["label", "address_1", "city", "state", "zipcode", "country"] { _ = try arguments.requiredString(name, maxLength: 500) }
            guard ["business", "mailing", "other"].contains(try arguments.requiredString("label")) else { throw ToolError("\"label\" is business, mailing or other.") }
            let address = JSONValue.object(arguments.passing(["label", "address_1", "address_2", "city", "state", "zipcode", "country"]))
            // Read, append, write back: one lead's at a time, or parallel calls lose addresses.
            let updated = try await addressWrites.withLane(leadID) {
                let lead = try await close.leads.get(leadID)
                return try await close.leads.update(leadID, .object([("addresses", .array(lead.addresses + [address]))]))
            }
            return ToolOutput(summary: "Added a \(try arguments.requiredString("label")) address to \(updated.displayName).", data: .object([("lead", updated.jsonValue)]))
        },
        CloseTool(name: "create_task", description: "Create a task on a lead.", access: .writeSafe, properties: [
            ("lead_id", Schema.string("The lead.")), ("text", Schema.string("What to do.")), ("assigned_to", Schema.string("The user (default: you).")),
            ("contact_id", Schema.string("A contact of the lead.")), ("due_date", Schema.string("A date (2026-12-24) or date-time.")),
            ("priority", Schema.string("high or medium (default medium).")),
            ("send_notification", Schema.boolean("Accepted as Close's MCP takes it; Closr sends no notifications, so it changes nothing.")),
        ], required: ["lead_id", "text"]) { arguments, close in
            _ = try arguments.id("lead_id")
            _ = try arguments.requiredString("text")
            _ = try arguments.bool("send_notification")
            var body = arguments.passing(["lead_id", "text", "assigned_to", "contact_id", "priority"])
            if let due = try arguments.string("due_date", maxLength: 40) { body.append(("date", .string(due))) }
            let task = try await close.tasks.create(.object(body))
            return ToolOutput(summary: "Created task \(task.id): \(task.text).", data: .object([("task", task.jsonValue)]))
        },
        CloseTool(name: "create_note", description: "Add a note to a lead (note as text, or note_html as <body>…</body>).", access: .writeSafe, properties: [
            ("lead_id", Schema.string("The lead.")), ("note", Schema.string("The text.")), ("note_html", Schema.string("Rich text, <body>…</body>.")),
            ("title", Schema.string("A title.")), ("pinned", Schema.boolean("Pin it to the lead.")), ("contact_id", Schema.string("A contact of the lead.")),
            ("user_id", Schema.string("Whose note it is (default: you).")), ("activity_at", Schema.string("When it happened (ISO 8601).")),
        ], required: ["lead_id"]) { arguments, close in
            _ = try arguments.id("lead_id")
            guard try arguments.string("note") != nil || arguments.string("note_html") != nil else { throw ToolError("Give \"note\" or \"note_html\".") }
            let note = try await close.notes.create(.object(arguments.passing(["lead_id", "note", "note_html", "title", "pinned", "contact_id", "user_id", "activity_at"])))
            return ToolOutput(summary: "Added note \(note.id).", data: .object([("note", note.jsonValue)]))
        },
    ]

    // MARK: Changing and deleting (mcp.write_destructive)

    static let updates: [CloseTool] = [
        update("update_lead", "Change a lead: only the fields given change.", ["name", "description", "url", "status_id"], custom: true) {
            try await $0.leads.update($1, $2).jsonValue
        },
        update("update_contact", "Change a contact: only the fields given change (emails, phones and urls replace the lists).",
               ["name", "title", "emails", "phones", "urls"], custom: true) { try await $0.contacts.update($1, $2).jsonValue },
        update("update_opportunity", "Change an opportunity (value in cents): only the fields given change; 'clear' empties value, close_at or contact_id.",
               ["status_id", "value", "value_period", "confidence", "close_at", "contact_id", "user_id", "note"], clearable: ["value", "close_at", "contact_id"],
               custom: true) { close, id, changes in
            // Close's MCP says close_at; the opportunity API says date_won.
            let renamed = JSONValue.object((changes.objectMembers ?? []).map { $0.0 == "close_at" ? ("date_won", $0.1) : $0 })
            return opportunityJSON(try await close.opportunities.update(id, renamed))
        },
        update("update_task", "Change a task (text, assignee, due date, completion): only the fields given change; 'clear' empties contact_id or due_date.",
               ["text", "assigned_to", "contact_id", "due_date", "is_complete", "priority"], clearable: ["contact_id", "due_date"], custom: false) { close, id, changes in
            // Close's MCP says due_date; the task API says date.
            let renamed = JSONValue.object((changes.objectMembers ?? []).map { $0.0 == "due_date" ? ("date", $0.1) : $0 })
            return try await close.tasks.update(id, renamed).jsonValue
        },
        update("update_note", "Change a note: only the fields given change; 'clear' empties contact_id.",
               ["note", "note_html", "title", "pinned", "contact_id", "activity_at"], clearable: ["contact_id"], custom: false) {
            try await $0.notes.update($1, $2).jsonValue
        },
    ]

    static let deletes: [CloseTool] = [
        delete("delete_lead", "Delete a lead with its contacts, opportunities, tasks and activities. Confirm with the user first.") { try await $0.leads.delete($1) },
        delete("delete_contact", "Delete a contact.") { try await $0.contacts.delete($1) },
        delete("delete_opportunity", "Delete an opportunity.") { try await $0.opportunities.delete($1) },
        delete("delete_task", "Delete a task.") { try await $0.tasks.delete($1) },
        delete("delete_note", "Delete a note.") { try await $0.notes.delete($1) },
    ]

    /// An update tool: only the fields given change. A field in `clearable` given as Close's `'clear'`
    /// sentinel is emptied (sent as null).
    static func update(
        _ name: String, _ description: String, _ fields: [String], clearable: Set<String> = [], custom: Bool,
        _ apply: @escaping @Sendable (any CloseAPI, String, JSONValue) async throws -> JSONValue
    ) -> CloseTool {
        let schemas: [String: JSONValue] = [
            "emails": Schema.emails, "phones": Schema.phones, "urls": Schema.urls, "value": Schema.integer("The value in cents.", minimum: 0, maximum: Opportunity.maxValue),
            "confidence": Schema.integer("0 to 100.", minimum: 0, maximum: 100), "is_complete": Schema.boolean("Completed."), "pinned": Schema.boolean("Pinned."),
        ]
        let properties = [("id", Schema.id)] + fields.map { field -> (String, JSONValue) in
            if clearable.contains(field), field == "value" {
                return (field, ["description": "The value in cents, or 'clear' to remove it.", "anyOf": [["type": "integer", "minimum": 0, "maximum": .int(Opportunity.maxValue)], ["type": "string", "enum": ["clear"]]]])
            }
            let schema = schemas[field] ?? Schema.string("The new \(field.replacingOccurrences(of: "_", with: " "))" + (clearable.contains(field) ? ", or 'clear' to empty it." : "."))
            return (field, schema)
        }
            + (custom ? [("custom_fields", Schema.customFields)] : [])
        return CloseTool(name: name, description: description, access: .destructive, properties: properties, required: ["id"]) { arguments, close in
            let id = try arguments.id()
            if arguments.members["value"] != .string("clear") { _ = try arguments.int("value", in: 0...Opportunity.maxValue) }
            _ = try arguments.int("confidence", in: 0...100)
            let changes = arguments.passing(fields).map { field, value in
                clearable.contains(field) && value == .string("clear") ? (field, JSONValue.null) : (field, value)
            } + (custom ? try arguments.customFields() : [])
            guard !changes.isEmpty else { throw ToolError("Give at least one field to change: \(fields.joined(separator: ", ")).") }
            return ToolOutput(summary: "Updated \(id).", data: .object([("object", try await apply(close, id, .object(changes)))]))
        }
    }

    static func delete(_ name: String, _ description: String, _ remove: @escaping @Sendable (any CloseAPI, String) async throws -> Void) -> CloseTool {
        CloseTool(name: name, description: description, access: .destructive, properties: [("id", Schema.id)], required: ["id"]) { arguments, close in
            let id = try arguments.id()
            try await remove(close, id)
            return ToolOutput(summary: "Deleted \(id).", data: .object([("deleted", .string(id))]))
        }
    }
}
