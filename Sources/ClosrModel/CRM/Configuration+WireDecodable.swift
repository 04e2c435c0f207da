/// How statuses, pipelines, custom fields, custom activity types, webhook subscriptions and events read
/// themselves back (``WireDecodable``).

extension Status: WireDecodable {
    /// Opportunity statuses carry `type` (and `pipeline_id`); lead statuses carry neither.
    public init(wire: WireObject) throws {
        let isOpportunity = wire.members.contains { $0.0 == "type" }
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), kind: isOpportunity ? .opportunity : .lead,
            label: try wire.string("label"), type: try wire.optionalString("type"), pipelineID: try wire.optionalString("pipeline_id"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
    }
}

extension Pipeline: WireDecodable {
    /// A pipeline lists its statuses as summaries; each is read as an opportunity status of the pipeline,
    /// dated like it.
    public init(wire: WireObject) throws {
        let organizationID = try wire.string("organization_id")
        let id = try wire.string("id")
        let dateCreated = try wire.timestamp("date_created")
        let dateUpdated = try wire.timestamp("date_updated")
        let summaries = try wire.array("statuses").map { try WireObject($0) }
        self.init(
            id: id, organizationID: organizationID, name: try wire.string("name"),
            statuses: try summaries.map { summary in
                Status(
                    id: try summary.string("id"), organizationID: organizationID, kind: .opportunity, label: try summary.string("label"),
                    type: try summary.optionalString("type"), pipelineID: id, dateCreated: dateCreated, dateUpdated: dateUpdated
                )
            },
            dateCreated: dateCreated, dateUpdated: dateUpdated
        )
    }
}

extension CustomField: WireDecodable {
    /// `objectType` is not on the wire (the list a field came from says it): it is `activity` for a
    /// field of a custom activity type and empty otherwise.
    public init(wire: WireObject) throws {
        let typeName = try wire.string("type")
        guard let type = FieldType(rawValue: typeName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Unknown custom field type \"\(typeName)\""))
        }
        let activityType = try wire.optionalString("custom_activity_type_id")
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), objectType: activityType == nil ? "" : "activity",
            name: try wire.string("name"), description: try wire.optionalString("description"), type: type, choices: try wire.strings("choices"),
            acceptsMultipleValues: try wire.optionalBool("accepts_multiple_values") ?? false, createdBy: try wire.optionalString("created_by"),
            updatedBy: try wire.optionalString("updated_by"), dateCreated: try wire.timestamp("date_created"),
            dateUpdated: try wire.timestamp("date_updated")
        )
        customActivityTypeID = activityType
        required = try wire.optionalBool("required") ?? false
    }
}

extension CustomActivityType: WireDecodable {
    public init(wire: WireObject) throws {
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), name: try wire.string("name"),
            description: try wire.optionalString("description") ?? "", apiCreateOnly: try wire.optionalBool("api_create_only") ?? false,
            editableWithRoles: try wire.strings("editable_with_roles"), fields: try wire.objects("fields"),
            createdBy: try wire.optionalString("created_by"), updatedBy: try wire.optionalString("updated_by"),
            dateCreated: try wire.timestamp("date_created"), dateUpdated: try wire.timestamp("date_updated")
        )
    }
}

extension WebhookSubscription: WireDecodable {
    /// When deliveries began failing is not on the wire, only `health_status`: an unhealthy subscription
    /// reads as failing since its last update.
    public init(wire: WireObject) throws {
        let dateUpdated = try wire.timestamp("date_updated")
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), url: try wire.string("url"),
            events: wire.value("events"), verifySSL: try wire.optionalBool("verify_ssl") ?? true, status: try wire.string("status"),
            pauseReason: try wire.optionalString("pause_reason"), signatureKey: try wire.optionalString("signature_key"),
            failingSince: try wire.optionalString("health_status") == "unhealthy" ? dateUpdated : nil,
            latestError: try wire.optionalString("latest_error"), createdBy: try wire.optionalString("created_by"),
            updatedBy: try wire.optionalString("updated_by"), dateCreated: try wire.timestamp("date_created"), dateUpdated: dateUpdated
        )
    }
}

extension Event: WireDecodable {
    public init(wire: WireObject) throws {
        let data = wire.value("data")
        let previous = wire.value("previous_data")
        self.init(
            id: try wire.string("id"), organizationID: try wire.string("organization_id"), dateCreated: try wire.timestamp("date_created"),
            dateUpdated: try wire.timestamp("date_updated"), objectType: try wire.string("object_type"), objectID: try wire.string("object_id"),
            leadID: try wire.optionalString("lead_id"), action: try wire.string("action"), changedFields: try wire.strings("changed_fields"),
            data: data == .null ? nil : data, previousData: previous == .null ? nil : previous, userID: try wire.optionalString("user_id"),
            requestID: try wire.optionalString("request_id"), apiKeyID: try wire.optionalString("api_key_id"), meta: wire.value("meta")
        )
    }
}
