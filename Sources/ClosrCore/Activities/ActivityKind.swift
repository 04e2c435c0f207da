import ClosrModel

/// One of Close's activity types (close-api-more.md §B.1, §B.4): where it lives, which verbs it takes,
/// its own members with their defaults, and which of them a client may write.
struct ActivityKind: Sendable {
    /// `_type`: `Note`, `Call`, ….
    let type: String
    /// The path under `/activity/`: `note`, `status_change/lead`, ….
    let path: String
    /// The event log's and webhooks' `object_type`; nil for types whose creation is part of another
    /// object's event (a lead's `Created`).
    let eventObjectType: String?
    let canCreate: Bool
    let canUpdate: Bool
    let canDelete: Bool
    /// The type's own members with the values a new activity starts with, in wire order.
    let defaults: [(String, JSONValue)]
    /// The members a client may give on creation.
    let writable: [String: ActivityFieldRule]
    /// The members an update may change (nil: all writable ones).
    let updatable: Set<String>?
    /// Members that must be given on creation.
    let required: [String]
    /// The member kept in the `related_id` column (filtered on an index).
    let relatedMember: String?

    init(
        _ type: String, path: String, event: String?, create: Bool = false, update: Bool = false, delete: Bool = true,
        defaults: [(String, JSONValue)], writable: [String: ActivityFieldRule] = [:], updatable: Set<String>? = nil,
        required: [String] = [], related: String? = nil
    ) {
        self.type = type
        self.path = path
        self.eventObjectType = event.map { "activity.\($0)" }
        self.canCreate = create
        self.canUpdate = update
        self.canDelete = delete
        self.defaults = defaults
        self.writable = writable
        self.updatable = updatable
        self.required = required
        self.relatedMember = related
    }
}

extension ActivityKind {
    static let emailStatuses = ["inbox", "draft", "scheduled", "outbox", "sent", "error"]
    static let longText = ActivityFieldRule.text(maxLength: 100_000)
    static let shortText = ActivityFieldRule.text(maxLength: 1000)
    static let phoneFields: [(String, JSONValue)] = [
        ("local_phone", .null), ("local_phone_formatted", .null), ("remote_phone", .null), ("remote_phone_formatted", .null),
        ("local_country_iso", .null), ("remote_country_iso", .null),
    ]
    static let phoneRules: [String: ActivityFieldRule] = [
        "local_phone": shortText, "local_phone_formatted": shortText, "remote_phone": shortText,
        "remote_phone_formatted": shortText, "local_country_iso": shortText, "remote_country_iso": shortText,
    ]

    static let note = ActivityKind(
        "Note", path: "note", event: "note", create: true, update: true,
        defaults: [
            ("note", .string("")), ("note_html", .string(RichText.emptyHTML)), ("title", .null), ("pinned", .bool(false)),
            ("pinned_at", .null), ("attachments", .array([])), ("note_mentions", .array([])), ("source", .string("api")),
        ],
        writable: ["note": longText, "note_html": longText, "title": shortText, "pinned": .bool, "attachments": .objectList]
    )

    static let call = ActivityKind(
        "Call", path: "call", event: "call", create: true, update: true,
        defaults: [
            ("call_method", .string("external")), ("direction", .string("outbound")), ("disposition", .null),
            ("status", .string("completed")), ("duration", .int(0)), ("cost", .null), ("phone", .null),
        ] + phoneFields + [
            ("note", .string("")), ("note_html", .string(RichText.emptyHTML)), ("outcome_id", .null), ("recording_url", .null),
            ("voicemail_url", .null), ("voicemail_duration", .null), ("source", .string("External")), ("dialer_id", .null),
            ("dialer_saved_search_id", .null),
        ],
        writable: phoneRules.merging([
            "direction": .choice(["outbound", "inbound"], nullable: false),
            "disposition": .choice(["answered", "no-answer", "vm-answer", "vm-left", "busy", "blocked", "error", "abandoned"], nullable: true),
            "status": .choice(["created", "in-progress", "completed", "cancel", "no-answer", "busy", "failed", "timeout"], nullable: false),
            "duration": .int, "cost": shortText, "phone": shortText, "note": longText, "note_html": longText, "outcome_id": shortText,
            "recording_url": .httpsURL, "voicemail_url": .httpsURL, "voicemail_duration": .int,
        ]) { first, _ in first }
    )

    static let email = ActivityKind(
        "Email", path: "email", event: "email", create: true, update: true,
        defaults: [
            ("direction", .string("outgoing")), ("status", .string("sent")), ("subject", .string("")), ("sender", .null),
            ("to", .array([])), ("cc", .array([])), ("bcc", .array([])), ("body_text", .string("")), ("body_html", .string("")),
            ("body_preview", .string("")), ("date_sent", .null), ("date_scheduled", .null), ("thread_id", .null),
            ("in_reply_to_id", .null), ("message_ids", .array([])), ("references", .array([])), ("email_account_id", .null),
            ("opens", .array([])), ("opens_summary", .null), ("has_reply", .bool(false)), ("need_smtp_credentials", .bool(false)),
            ("send_attempts", .array([])), ("send_as_id", .null), ("template_id", .null), ("template_name", .null),
            ("bulk_email_action_id", .null), ("followup_sequence_add_cc_bcc", .bool(false)), ("followup_sequence_delay", .null),
            ("attachments", .array([])),
        ],
        writable: [
            "direction": .choice(["outgoing", "incoming"], nullable: false), "status": .choice(emailStatuses, nullable: false),
            "subject": shortText, "sender": shortText, "to": .stringList, "cc": .stringList, "bcc": .stringList,
            "body_text": longText, "body_html": longText, "date_sent": .timestamp, "date_scheduled": .timestamp,
            "in_reply_to_id": shortText, "message_ids": .stringList, "references": .stringList, "template_id": shortText,
            "attachments": .objectList,
        ],
        required: ["status"], related: "thread_id"
    )

    static let emailThread = ActivityKind(
        "EmailThread", path: "emailthread", event: "email_thread",
        defaults: [("emails", .array([])), ("latest_normalized_subject", .string("")), ("n_emails", .int(0)), ("participants", .array([]))]
    )

    static let sms = ActivityKind(
        "SMS", path: "sms", event: "sms", create: true, update: true,
        defaults: [("direction", .string("outbound")), ("status", .string("sent")), ("text", .string(""))] + phoneFields + [
            ("date_sent", .null), ("date_scheduled", .null), ("cost", .null), ("error_message", .null), ("template_id", .null),
            ("source", .string("External")), ("attachments", .array([])),
        ],
        writable: phoneRules.merging([
            "direction": .choice(["outbound", "inbound"], nullable: false), "status": .choice(emailStatuses, nullable: false),
            "text": longText, "date_sent": .timestamp, "date_scheduled": .timestamp, "cost": shortText, "template_id": shortText,
            "attachments": .objectList,
        ]) { first, _ in first },
        required: ["status"]
    )

    static let whatsAppMessage = ActivityKind(
        "WhatsAppMessage", path: "whatsapp_message", event: "whatsapp_message", create: true, update: true,
        defaults: [
            ("external_whatsapp_message_id", .null), ("message_markdown", .string("")), ("message_html", .string("")),
            ("text", .string("")), ("direction", .string("outgoing")), ("local_phone", .null), ("remote_phone", .null),
            ("integration_link", .null), ("integration_name", .null), ("response_to_id", .null), ("attachments", .array([])),
        ],
        writable: [
            "external_whatsapp_message_id": shortText, "message_markdown": longText, "message_html": longText, "text": longText,
            "direction": .choice(["incoming", "outgoing"], nullable: false), "local_phone": shortText, "remote_phone": shortText,
            "integration_link": shortText, "integration_name": shortText, "response_to_id": shortText, "attachments": .objectList,
        ],
        required: ["external_whatsapp_message_id"]
    )

    /// Meetings come from calendar sync, which Closr does not have: listed (empty until something
    /// creates them), and their user note and outcome editable.
    static let meeting = ActivityKind(
        "Meeting", path: "meeting", event: "meeting", update: true,
        defaults: [
            ("title", .string("")), ("status", .string("upcoming")), ("starts_at", .null), ("ends_at", .null), ("duration", .null),
            ("actual_duration", .null), ("location", .null), ("note", .string("")), ("attendees", .array([])),
            ("user_note", .string("")), ("user_note_html", .string(RichText.emptyHTML)), ("outcome_id", .null),
            ("summary", .null), ("source", .string("calendar")),
        ],
        writable: ["user_note_html": longText, "outcome_id": shortText]
    )

    static let custom = ActivityKind(
        "CustomActivity", path: "custom", event: "custom_activity", create: true, update: true,
        defaults: [
            ("custom_activity_type_id", .null), ("status", .string("published")), ("pinned", .bool(false)), ("pinned_at", .null),
            ("last_published_at", .null), ("mentions", .array([])), ("mentions_updated_at", .null), ("source", .string("api")),
        ],
        writable: ["custom_activity_type_id": shortText, "status": .choice(["draft", "published"], nullable: false), "pinned": .bool],
        updatable: ["status", "pinned"], required: ["custom_activity_type_id"], related: "custom_activity_type_id"
    )

    static let created = ActivityKind(
        "Created", path: "created", event: nil, delete: false,
        defaults: [("import_id", .null), ("source", .string("api"))]
    )

    static let formSubmission = ActivityKind(
        "FormSubmission", path: "form_submission", event: "form_submission",
        defaults: [
            ("form_id", .null), ("form_configuration_id", .null), ("form_name", .null), ("values", .object([])),
            ("values_by_name", .object([])), ("ip_address", .null), ("origin", .null), ("source_url", .null),
            ("source_url_normalized", .null),
        ],
        related: "form_id"
    )

    static let leadStatusChange = ActivityKind(
        "LeadStatusChange", path: "status_change/lead", event: "lead_status_change", create: true,
        defaults: [
            ("old_status_id", .null), ("old_status_label", .null), ("new_status_id", .null), ("new_status_label", .null),
            ("_paused_subscriptions", .array([])),
        ],
        writable: ["old_status_id": shortText, "old_status_label": shortText, "new_status_id": shortText, "new_status_label": shortText],
        required: ["new_status_id"]
    )

    static let opportunityStatusChange = ActivityKind(
        "OpportunityStatusChange", path: "status_change/opportunity", event: "opportunity_status_change", create: true,
        defaults: [
            ("opportunity_id", .null), ("old_status_id", .null), ("old_status_label", .null), ("old_status_type", .null),
            ("new_status_id", .null), ("new_status_label", .null), ("new_status_type", .null), ("old_pipeline_id", .null),
            ("old_pipeline_name", .null), ("new_pipeline_id", .null), ("new_pipeline_name", .null), ("opportunity_value", .null),
            ("opportunity_value_currency", .null), ("opportunity_value_formatted", .null), ("opportunity_value_period", .null),
            ("opportunity_confidence", .null), ("opportunity_date_won", .null),
        ],
        writable: ["opportunity_id": shortText, "old_status_id": shortText, "new_status_id": shortText],
        required: ["opportunity_id", "new_status_id"], related: "opportunity_id"
    )

    static let leadMerge = ActivityKind(
        "LeadMerge", path: "lead_merge", event: "lead_merge", delete: false,
        defaults: [("source_lead_id", .null), ("source_lead_name", .null), ("destination_lead_id", .null), ("destination_lead_name", .null)]
    )

    static let taskCompleted = ActivityKind(
        "TaskCompleted", path: "task_completed", event: "task_completed",
        defaults: [("task_id", .null), ("task_text", .null), ("task_assigned_to", .null), ("task_assigned_to_name", .null)],
        related: "task_id"
    )

    /// Every type, in close-api-more.md §B.1's order.
    static let all: [ActivityKind] = [
        note, call, email, emailThread, sms, whatsAppMessage, meeting, custom, created, formSubmission,
        leadStatusChange, opportunityStatusChange, leadMerge, taskCompleted,
    ]

    static let byType: [String: ActivityKind] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })
}
