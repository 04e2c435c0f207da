/// The services of one running Closr, sharing one store and one key verifier.
///
/// Built once per process: it owns the process's ``CoreCaches``, so every service and the key verifier
/// share one set of caches, each kept valid by the store's versions rather than by callers.
public struct CoreServices: Sendable {
    public let store: any Store
    /// Every cache of this process, keyed by the store's versions.
    public let caches: CoreCaches
    public let verifier: APIKeyVerifier
    public let apiKeys: APIKeyService
    public let organizations: OrganizationService
    public let events: EventLog
    public let statuses: StatusService
    public let leads: LeadService
    public let contacts = ContactService()
    public let opportunities = OpportunityService()
    public let customFields = CustomFieldService()
    public let activities = ActivityService()
    public let customActivityTypes = CustomActivityTypeService()
    public let tasks = TaskService()
    public let webhooks: WebhookService
    /// The deliveries the outbox trigger writes, for the dispatcher.
    public let outbox: WebhookOutbox
    /// Where webhooks may be sent (checked at subscription and again at delivery).
    public let webhookAddresses: WebhookAddressPolicy
    public let inbound: InboundIntake
    public let inboundSettings = InboundSettingsService()
    public let pageViews = PageViewService()
    /// The web console's passwords and sessions.
    public let passwords: ConsolePasswords
    public let sessions: ConsoleSessions
    public let team: TeamService

    /// `searchDeadline`: how long a lead search may run before the request gets a 400 saying so;
    /// `searchDriverCapacity`: how rare a search's rarest word must be to drive it (``LeadService``).
    /// `sealer`: the server's key for secrets it must read back (webhook signing keys); every node of one
    /// database needs the same. `webhookAddresses`: whether webhooks may go to private addresses.
    /// `passwordCost`: bcrypt's cost for console passwords (tests use a low one).
    public init(
        store: any Store, searchDeadline: Duration = LeadService.defaultSearchDeadline,
        searchDriverCapacity: Int = LeadSearchDriver.defaultCapacity, sealer: SecretSealer = .ephemeral(),
        webhookAddresses: WebhookAddressPolicy = WebhookAddressPolicy(allowPrivate: false), passwordCost: UInt8 = 12
    ) {
        self.webhooks = WebhookService(sealer: sealer, addresses: webhookAddresses)
        self.outbox = WebhookOutbox(store: store, sealer: sealer)
        self.webhookAddresses = webhookAddresses
        self.store = store
        self.leads = LeadService(searchDeadline: searchDeadline, searchDriverCapacity: searchDriverCapacity)
        self.inbound = InboundIntake(leads: leads)
        self.caches = CoreCaches()
        self.verifier = APIKeyVerifier(store: store, caches: caches)
        self.apiKeys = APIKeyService(verifier: verifier, store: store)
        self.organizations = OrganizationService(store: store, caches: caches)
        self.events = EventLog()
        self.statuses = StatusService()
        self.passwords = ConsolePasswords(store: store, cost: passwordCost)
        self.sessions = ConsoleSessions(store: store, caches: caches)
        self.team = TeamService(passwords: passwords)
    }
}
