/// How the CRM's wire types read themselves back (``WireDecodable``): each lists the members its writer
/// writes, minus those the server derives from the others (`display_name`, `contact_ids`,
/// `primary_email`, `value_formatted`, `expected_value`, `html_url`, …).

extension CustomValues {
    /// The flat `custom.<id>` members of `wire`. The definitions behind them are not on the wire: each
    /// field carries its id and, where the object also has the `custom` object keyed by name (leads), its
    /// name; its other members are placeholders. A name is paired with the id in the same position when
    /// their values agree (Closr's parser keeps the order), else with the first unpaired name of the same
    /// value (`JSONDecoder` does not keep it): two fields of one value may then swap names, which writes
    /// the same JSON.
    init(wire: WireObject, objectType: String, organizationID: String) {
        var names = wire.value("custom").objectMembers ?? []
        let flat = wire.customMembers
        values = flat.enumerated().map { position, member in
            var name = member.id
            if position < names.count, names[position].0 != "", names[position].1 == member.value {
                name = names[position].0
                names[position].0 = ""
            } else if let match = names.firstIndex(where: { $0.0 != "" && $0.1 == member.value }) {
                name = names[match].0
                names[match].0 = ""
            }
            let field = CustomField(
                id: member.id, organizationID: organizationID, objectType: objectType, name: name, description: nil, type: .text,
                choices: [], acceptsMultipleValues: false, createdBy: nil, updatedBy: nil,
                dateCreated: CloseTimestamp(microseconds: 0), dateUpdated: CloseTimestamp(microseconds: 0)
            )
            return (field, member.value)
        }
    }
}

extension Contact.Email: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(type: try wire.string("type"), email: try wire.string("email"), isUnsubscribed: try wire.optionalBool("is_unsubscribed") ?? false)
    }
}

extension Contact.Phone: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(type: try wire.string("type"), phone: try wire.string("phone"))
    }
}

extension Contact.URLEntry: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(type: try wire.string("type"), url: try wire.string("url"))
    }
}

extension Contact: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), leadID: try wire.string("lead_id"),
            name: try wire.optionalString("name") ?? "", title: try wire.optionalString("title") ?? "",
            emails: try wire.objects("emails"), phones: try wire.objects("phones"), urls: try wire.objects("urls"),
            createdBy: try wire.optionalString("created_by"), updatedBy: try wire.optionalString("updated_by"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
        custom = CustomValues(wire: wire, objectType: "contact", organizationID: organizationID)
    }
}

extension Lead: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), name: try wire.optionalString("name") ?? "",
            description: try wire.optionalString("description") ?? "", url: try wire.optionalString("url"),
            statusID: try wire.string("status_id"), statusLabel: try wire.optionalString("status_label") ?? "",
            addresses: try wire.array("addresses"), contacts: try wire.objects("contacts"), opportunities: try wire.objects("opportunities"),
            createdBy: try wire.optionalString("created_by"), createdByName: try wire.optionalString("created_by_name"),
            updatedBy: try wire.optionalString("updated_by"), updatedByName: try wire.optionalString("updated_by_name"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
        tasks = try wire.objects("tasks")
        custom = CustomValues(wire: wire, objectType: "lead", organizationID: organizationID)
    }
}

extension Opportunity: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), leadID: try wire.string("lead_id"),
            leadName: try wire.optionalString("lead_name") ?? "", statusID: try wire.string("status_id"),
            statusLabel: try wire.optionalString("status_label") ?? "", statusType: try wire.optionalString("status_type") ?? "active",
            pipelineID: try wire.optionalString("pipeline_id"), pipelineName: try wire.optionalString("pipeline_name"),
            value: try wire.optionalInt("value"), valuePeriod: try wire.optionalString("value_period") ?? "one_time",
            valueCurrency: try wire.optionalString("value_currency") ?? "USD", confidence: try wire.optionalInt("confidence") ?? 0,
            note: try wire.optionalString("note") ?? "", dateWon: try wire.optionalString("date_won"),
            userID: try wire.optionalString("user_id"), userName: try wire.optionalString("user_name"),
            contactID: try wire.optionalString("contact_id"), contactName: try wire.optionalString("contact_name"),
            createdBy: try wire.optionalString("created_by"), createdByName: try wire.optionalString("created_by_name"),
            updatedBy: try wire.optionalString("updated_by"), updatedByName: try wire.optionalString("updated_by_name"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
        dateLost = try wire.optionalString("date_lost")
        custom = CustomValues(wire: wire, objectType: "opportunity", organizationID: organizationID)
    }
}

extension CloseTask: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            type: try wire.string("_type"), id: try wire.string("id"), organizationID: try wire.string("organization_id"),
            leadID: try wire.optionalString("lead_id"), leadName: try wire.optionalString("lead_name"),
            contactID: try wire.optionalString("contact_id"), contactName: try wire.optionalString("contact_name"),
            assignedTo: try wire.optionalString("assigned_to"), assignedToName: try wire.optionalString("assigned_to_name"),
            text: try wire.optionalString("text") ?? "", date: try wire.optionalString("date"), dueDate: try wire.optionalString("due_date"),
            isComplete: try wire.bool("is_complete"), isDateless: try wire.bool("is_dateless"), priority: try wire.optionalString("priority"),
            resolution: try wire.optionalString("resolution"), view: try wire.optionalString("view") ?? "inbox",
            createdBy: try wire.optionalString("created_by"), createdByName: try wire.optionalString("created_by_name"),
            updatedBy: try wire.optionalString("updated_by"), updatedByName: try wire.optionalString("updated_by_name"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
    }
}

extension Activity: WireDecodable {
    /// The members every activity has; the rest of the object is the type's own, kept in order.
    static let commonMembers: Set<String> = [
        "_type", "id", "organization_id", "lead_id", "contact_id", "user_id", "user_name", "users", "activity_at", "date_created",
        "date_updated", "created_by", "created_by_name", "updated_by", "updated_by_name",
    ]

    public init(wire: WireObject) throws {
        self.init(
            type: try wire.string("_type"), id: try wire.string("id"), organizationID: try wire.string("organization_id"),
            leadID: try wire.optionalString("lead_id"), contactID: try wire.optionalString("contact_id"),
            userID: try wire.optionalString("user_id"), userName: try wire.optionalString("user_name"),
            activityAt: try wire.optionalTimestamp("activity_at"), dateCreated: try wire.timestamp("date_created"),
            dateUpdated: try wire.timestamp("date_updated"), createdBy: try wire.optionalString("created_by"),
            createdByName: try wire.optionalString("created_by_name"), updatedBy: try wire.optionalString("updated_by"),
            updatedByName: try wire.optionalString("updated_by_name"),
            fields: wire.members.filter { !Self.commonMembers.contains($0.0) }
        )
    }
}
