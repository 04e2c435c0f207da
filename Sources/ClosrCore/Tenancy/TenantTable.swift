/// The tables that hold one organization's data. Each has an `organization_id` column, and
/// ``TenantDatabase`` is the only way to query them.
public enum TenantTable: String, Sendable {
    case memberships
    case apiKeys = "api_keys"
    case events
    case statuses
    case pipelines
    case leads
    case contacts
    case opportunities
    case customFields = "custom_fields"
    case activities
    case customActivityTypes = "custom_activity_types"
    case tasks
    case webhooks
    /// The webhook outbox: deliveries not yet made.
    case webhookDeliveries = "webhook_deliveries"
    /// Each subscription's event pairs, read by the outbox trigger.
    case webhookEventTypes = "webhook_event_types"
    /// Each lead's search document, written only by the database's triggers (``LeadSearchIndex``).
    case leadSearchDocs = "lead_search_docs"
    /// Inbound intake's settings, one row per organization that changed the defaults.
    case inboundSettings = "inbound_settings"
    /// Contacts' email addresses, lower-cased, written only by the database's triggers.
    case contactEmails = "contact_emails"
    /// The web tracker's page views, by visitor.
    case pageViews = "page_views"
    /// Which lead each tracked visitor became.
    case visitorLeads = "visitor_leads"
}
