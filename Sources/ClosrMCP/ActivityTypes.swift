/// Close's activity types as its MCP names them (`activity.call`) and as the activity API filters them
/// (`_type__in=Call`).
enum ActivityTypes {
    static let byEventName: [String: String] = [
        "call": "Call", "email": "Email", "email_thread": "EmailThread", "note": "Note", "meeting": "Meeting", "sms": "SMS",
        "whatsapp_message": "WhatsAppMessage", "custom_activity": "CustomActivity", "form_submission": "FormSubmission",
        "lead_status_change": "LeadStatusChange", "opportunity_status_change": "OpportunityStatusChange", "task_completed": "TaskCompleted",
        "created": "Created", "lead_merge": "LeadMerge",
    ]
}
