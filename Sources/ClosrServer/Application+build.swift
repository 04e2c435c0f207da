import ClosrCore
import Hummingbird
import Logging

/// Builds the whole Closr HTTP application on the services of an open store. The CLI and the tests both
/// call this, so tests exercise exactly what `closr serve` runs.
public func buildApplication(_ config: AppConfig, services: CoreServices) -> some ApplicationProtocol {
    let router = Router(context: ClosrRequestContext.self, options: [.autoGenerateHeadEndpoints])
    let inFlight = InFlightRequests()
    router.add(middleware: InFlightRequests.Middleware(gauge: inFlight))
    router.add(middleware: RequestLogMiddleware(logger: config.logger, trustedProxies: config.trustedProxies))
    router.add(middleware: CloseErrorMiddleware(logger: config.logger, maxBodyBytes: config.maxBodyBytes))
    router.add(middleware: URLNULGuard())

    // Routes that need no key.
    let open = CloseRoutes(group: router.group())
    HealthController().addRoutes(to: open)
    LeakedKeyController(apiKeys: services.apiKeys, maxBodyBytes: config.maxBodyBytes).addRoutes(to: open)
    InboundController(services: services, rateLimit: config.inboundRateLimit).addRoutes(to: open)
    let apiRoutes = APIResponderReference()
    MCPController(verifier: services.verifier, routes: apiRoutes, maxBodyBytes: config.maxBodyBytes).addRoutes(to: open)
    ConsoleController(services: services, routes: apiRoutes, trustedProxies: config.trustedProxies).addRoutes(to: open)
    open.finish()

    let authenticated = router.group("api/v1").add(middleware: APIKeyAuthenticator(verifier: services.verifier))
    if let policy = config.rateLimit {
        authenticated.add(middleware: RateLimitMiddleware(limiter: RateLimiter(policy: policy)))
    }
    let api = CloseRoutes(group: authenticated)
    MeController(organizations: services.organizations).addRoutes(to: api)
    UserController(organizations: services.organizations).addRoutes(to: api)
    OrganizationController(organizations: services.organizations, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    APIKeyController(apiKeys: services.apiKeys, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    EventController(events: services.events).addRoutes(to: api)
    StatusController(statuses: services.statuses, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    LeadController(leads: services.leads, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    ContactController(contacts: services.contacts, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    OpportunityController(opportunities: services.opportunities, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    CustomFieldController(customFields: services.customFields, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    ActivityController(activities: services.activities, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    CustomActivityController(types: services.customActivityTypes, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    TaskController(tasks: services.tasks, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    WebhookController(webhooks: services.webhooks, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    InboundSettingsController(settings: services.inboundSettings, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    PageViewController(pageViews: services.pageViews).addRoutes(to: api)
    TeamController(team: services.team, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    api.finish()

    let responder = router.buildResponder()
    apiRoutes.set(responder)
    return Application(
        responder: responder,
        server: ClosrHTTPChannel.builder(idleTimeout: .seconds(75), maxBodyBytes: config.maxBodyBytes),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "closr"),
        services: [
            KeyMaintenanceService(services: services, logger: config.logger),
            StoreMaintenanceService(store: services.store, eventRetention: config.eventRetention, logger: config.logger),
            WebhookDispatcher(outbox: services.outbox, addresses: services.webhookAddresses, policy: config.webhooks, inFlight: inFlight, logger: config.logger),
        ],
        logger: config.logger
    )
}
