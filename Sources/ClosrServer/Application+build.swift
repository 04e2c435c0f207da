import ClosrCore
import Hummingbird
import Logging

/// Builds the whole Closr HTTP application on the services of an open store. The CLI and the tests both
/// call this, so tests exercise exactly what `closr serve` runs.
public func buildApplication(_ config: AppConfig, services: CoreServices) -> some ApplicationProtocol {
    let verifier = services.verifier
    let organizations = services.organizations

    let router = Router(context: ClosrRequestContext.self, options: [.autoGenerateHeadEndpoints])
    router.add(middleware: RequestLogMiddleware(logger: config.logger))
    router.add(middleware: CloseErrorMiddleware(logger: config.logger, maxBodyBytes: config.maxBodyBytes))

    let public_ = CloseRoutes(group: router.group())
    HealthController().addRoutes(to: public_)
    public_.finish()

    let api = CloseRoutes(
        group: router.group("api/v1")
            .add(middleware: APIKeyAuthenticator(verifier: verifier, trustedProxies: config.trustedProxies))
    )
    MeController(organizations: organizations).addRoutes(to: api)
    OrganizationController(organizations: organizations, maxBodyBytes: config.maxBodyBytes).addRoutes(to: api)
    api.finish()

    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(75))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "closr"),
        services: [LastUsedFlushService(verifier: verifier, logger: config.logger)],
        logger: config.logger
    )
}
