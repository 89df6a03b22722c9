import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import HummingbirdCore
import NIOCore
import HummingbirdBcrypt
import Logging
import ServiceLifecycle

/// The running pieces that tests and the CLI may want to reach after building the app.
public struct GatehouseRuntime: Sendable {
    public let store: SQLStore
    public let keys: KeyRing
    public let hasher: SecretHasher
    /// Held while the server runs on SQLite, so `gatehouse restore` and a second server keep off the file.
    public var fileLock: FileLock? = nil
    /// Set draining by `gatehouse serve` on SIGTERM; read by `/ready`.
    public var readiness = Readiness()
    /// The certificate and key when TLS is on; `gatehouse serve` reloads them on SIGHUP.
    public var tls: TLSCredentials? = nil
    /// Every registered route, filled once the router is built: the 405 answer reads it, and so do tests that walk
    /// every route.
    public let routes = RouteTable()
    /// Counts each allowed REST call's grant; nil with `--no-usage-recording`. Tests flush it by hand.
    public var usage: UsageRecorder? = nil
}

/// Opens the store, runs migrations, loads the signing keys and wires every surface, in one place.
public func buildApplication(
    configuration: GatehouseConfiguration, logger: Logger
) async throws -> (some ApplicationProtocol, GatehouseRuntime) {
    try configuration.validate()
    if let exposed = configuration.exposedMetricsHost {
        logger.warning("/metrics is served on a non-loopback address without a token; set --metrics-token (GATEHOUSE_METRICS_TOKEN) or --metrics-address 127.0.0.1:PORT",
                       metadata: ["host": "\(exposed)"])
    }
    // Read before anything opens: a bad certificate must stop start-up, not the first handshake.
    let tls = try configuration.tls.map { try TLSCredentials(certificatePath: $0.certificatePath, keyPath: $0.keyPath) }
    var fileLock: FileLock?
    if let path = configuration.sqlitePath {
        try PrivateFiles.directory((path as NSString).deletingLastPathComponent, logger: logger)
        guard let lock = try FileLock.acquire(path + ".lock") else {
            throw ConfigurationError("another gatehouse server holds \(path); one SQLite file serves one process")
        }
        fileLock = lock
    }
    let database = try configuration.openDatabase(logger: logger)
    let store = SQLStore(
        database: database, clock: configuration.clock, cacheTTL: configuration.cacheTTL(for: database.kind), cacheEntries: configuration.cacheEntries,
        indexReloaded: { [metrics = configuration.metrics] clients, took in metrics.credentialIndexReloaded(clients: clients, took: took) }
    )
    let keys: KeyRing
    let masterKeys: MasterKeys
    do {
        try await store.migrate(logger: logger)
        masterKeys = try configuration.loadMasterKeys()
        keys = KeyRing(store: store, masterKeys: masterKeys, clock: configuration.clock, retention: TimeInterval(configuration.tokenTTL), changes: database.changes)
        try await keys.load()
    } catch {
        await database.shutdown()
        throw error
    }
    var runtime = GatehouseRuntime(store: store, keys: keys, hasher: masterKeys.secretHasher, fileLock: fileLock, tls: tls)
    runtime.usage = configuration.recordsUsage ? UsageRecorder() : nil
    let renderer: Renderer, assets: AssetsController, openAPI: OpenAPIController
    do {
        renderer = try await Renderer.load(policy: configuration.sunsetPolicy, clock: configuration.clock)
        assets = try AssetsController.load()
        openAPI = try OpenAPIController.load(renderer: renderer)
    } catch {
        await database.shutdown()
        throw error
    }
    let router = buildRouter(store: store, runtime: runtime, configuration: configuration, renderer: renderer, assets: assets, openAPI: openAPI)
    var app = Application(
        router: router,
        server: tls.map { .http1(configuration: configuration.http1, tls: $0) } ?? .http1(configuration: configuration.http1),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Gatehouse",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)
        ),
        logger: logger
    )
    app.addServices(DatabaseService(database: database))
    if let accessLog = configuration.accessLog {
        app.addServices(AccessLogService(log: accessLog))
    }
    if let usage = runtime.usage {
        app.addServices(UsageFlushService(recorder: usage, store: store, interval: configuration.usageFlushInterval, logger: logger))
    }
    if let metricsAddress = configuration.metricsAddress {
        // Its own listener, so the scrape port can stay on a private interface.
        let metricsRouter = Router()
        MetricsEndpoint(metrics: configuration.metrics, token: configuration.metricsToken).addRoutes(to: metricsRouter)
        app.addServices(Application(
            router: metricsRouter, server: .http1(configuration: configuration.http1),
            configuration: .init(address: .hostname(metricsAddress.host, port: metricsAddress.port), serverName: "Gatehouse"),
            logger: logger
        ))
    }
    if let interval = configuration.pruneInterval {
        app.addServices(PruningService(
            store: store, clock: configuration.clock, interval: interval, sessionIdleTimeout: configuration.sessionIdleTimeout,
            auditRetentionDays: configuration.auditRetentionDays, usageRetentionDays: configuration.usageRetentionDays, logger: logger
        ))
    }
    if database.kind == .postgres, configuration.listensForChanges {
        // A service that returns ends the whole group, so only PostgreSQL (which has something to listen to) gets one.
        app.addServices(ChangeListenerService(database: database, logger: logger))
    }
    return (app, runtime)
}

func buildRouter<Store: GatehouseRepository>(
    store: Store, runtime: GatehouseRuntime, configuration: GatehouseConfiguration, renderer: Renderer, assets: AssetsController,
    openAPI: OpenAPIController
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let routes = runtime.routes
    router.add(middleware: ClientAddressMiddleware(trusted: configuration.trustedProxies))
    router.add(middleware: RequestIDMiddleware(issuer: configuration.resolvedIssuer))
    router.add(middleware: AccessLogMiddleware(log: configuration.accessLog))
    let clock = configuration.clock
    let services = Services(store: store, runtime: runtime, configuration: configuration)
    let browserPages = BrowserErrorPages(sessions: services.sessions, renderer: renderer, cookieName: configuration.sessionCookieName)
    router.add(middleware: ErrorRenderingMiddleware(routes: routes, browserPage: { await browserPages.page($0, context: $1, allowed: $2) }))
    router.add(middleware: RequestMetricsMiddleware(metrics: configuration.metrics))

    let failures = FailureLimiter(policy: configuration.failurePolicy, clock: clock, shared: runtime.store.database.kind == .postgres ? store : nil)
    let tokens = TokenService(
        repository: store, keys: runtime.keys, hasher: runtime.hasher, issuer: configuration.resolvedIssuer,
        ttl: configuration.tokenTTL, clock: clock, policy: configuration.sunsetPolicy,
        verifiedSignatures: VerifiedTokenCache(), deprecation: Deprecation.Headers(policy: configuration.sunsetPolicy, issuer: configuration.resolvedIssuer),
        auditor: services.auditor, failures: failures
    )
    HealthController(store: runtime.store, readiness: runtime.readiness, metrics: configuration.metrics, servesMetrics: configuration.metricsAddress == nil,
                     metricsToken: configuration.metricsToken).addRoutes(to: router)
    OAuthController(tokens: tokens, keys: runtime.keys, issuer: configuration.resolvedIssuer, metrics: configuration.metrics).addRoutes(to: router)

    // The console: security headers on every page; a live session and a session-bound CSRF token on every
    // signed-in page; company pages only for that company's admins. Its doors call the same services.
    assets.addRoutes(to: router)
    let pages = router.group().add(middleware: SecurityHeaders())
    DocsController(configuration: configuration, renderer: renderer).addRoutes(to: pages)
    openAPI.addRoutes(to: pages)
    let console = pages.group()
        .add(middleware: ConsoleSession(sessions: services.sessions, renderer: renderer, cookieName: configuration.sessionCookieName))
        .add(middleware: ConsoleCSRF())
        .add(middleware: ConsoleFormOnce(submissions: services.formSubmissions))
    let consoleCompany = console.group("companies/:cid").add(middleware: ConsoleCompanyScope(sessions: services.sessions))
        .group(context: ConsoleCompanyContext.self)
    let signedIn = console.group(context: ConsoleRequestContext.self)
    LoginController(sessions: services.sessions, renderer: renderer, configuration: configuration, failures: failures).addRoutes(public: pages, signedIn: signedIn)
    DeveloperPages(apps: services.apps, installations: services.installations, policy: services.policy, renderer: renderer, clock: clock)
        .addRoutes(to: signedIn)
    ServiceAccountPages(accounts: services.serviceAccounts, permissions: services.permissions, directory: services.directory, installations: services.installations,
                        usage: services.usage, renderer: renderer, policy: configuration.sunsetPolicy, clock: clock).addRoutes(to: consoleCompany)
    CompanyPages(services: services, renderer: renderer, clock: clock).addRoutes(to: consoleCompany)
    AppManagementPages(installations: services.installations, directory: services.directory, names: services.auditNames, renderer: renderer)
        .addRoutes(to: consoleCompany)

    // REST: one job per middleware. Bearer token, then deprecation headers (so every later refusal carries
    // them), then company and principal, then the rate limit; the typed context makes the principal certain.
    let rateLimiter = RateLimiter(policy: configuration.rateLimits, shared: runtime.store.database.kind == .postgres ? store : nil)
    let rest = router.group("rest")
        .add(middleware: BearerAuthenticator(tokens: tokens))
        .add(middleware: DeprecationHeaders(policy: configuration.sunsetPolicy, clock: clock, issuer: configuration.resolvedIssuer))
    func scoped(_ mode: PrincipalResolver<Store>.Mode) -> RouterGroup<RESTRequestContext> {
        rest.group()
            .add(middleware: PrincipalResolver(store: store, mode: mode, limiter: rateLimiter, clock: clock))
            .add(middleware: RateLimitMiddleware(limiter: rateLimiter, clock: clock))
            .group(context: RESTRequestContext.self)
    }
    let restImplied = scoped(.impliedWhenAbsent), restScoped = scoped(.required)
    let gate = RESTGate(store: store, usage: runtime.usage, clock: clock)
    MeController(store: store, gate: gate).addRoutes(to: restImplied)
    CompaniesController(store: store, gate: gate).addRoutes(impliedCompany: restImplied, to: restScoped)
    ProjectsController(store: store, directory: services.directory, permissions: services.permissions, gate: gate).addRoutes(to: restScoped)
    RFIController(store: store, rfis: services.rfis, gate: gate).addRoutes(to: restScoped)

    // Admin: who calls is proven once; where they may act is the group's business.
    let admin = router.group("admin/v1")
        .add(middleware: AdminAuthenticator(adminToken: configuration.adminToken, store: store, hasher: runtime.hasher,
                                            sessions: services.sessions, cookieName: configuration.sessionCookieName, failures: failures))
    let operatorOnly = admin.group().add(middleware: OperatorOnly()).group(context: AdminRequestContext.self)
    let company = admin.group("companies/:cid").add(middleware: CompanyScope(store: store, source: .company(parameter: "cid")))
        .group(context: CompanyRequestContext.self)
    let project = admin.group("projects/:pid").add(middleware: CompanyScope(store: store, source: .project(parameter: "pid")))
        .group(context: CompanyRequestContext.self)
    DirectoryController(directory: services.directory).addRoutes(operator: operatorOnly, company: company)
    PermissionsController(permissions: services.permissions, directory: services.directory).addRoutes(company: company, project: project)
    ServiceAccountsController(accounts: services.serviceAccounts).addRoutes(company: company)
    UsageController(usage: services.usage).addRoutes(company: company)
    let anyActor = admin.group().group(context: AdminRequestContext.self)
    AppsController(apps: services.apps, installations: services.installations).addRoutes(actor: anyActor)
    InstallationsController(installations: services.installations).addRoutes(company: company)
    PolicyController(policy: services.policy).addRoutes(operator: operatorOnly, company: company)
    KeysController(keys: services.keys, store: store).addRoutes(operator: operatorOnly)
    OperatorTokensController(tokens: services.operatorTokens).addRoutes(operator: operatorOnly)
    DeploymentController(deployments: services.deployments).addRoutes(operator: operatorOnly)
    routes.load(router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
    return router
}

/// On PostgreSQL, listens for other nodes' changes so this node's caches drop stale entries at once.
struct ChangeListenerService: Service {
    let database: Database
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await database.listenForChanges(logger: logger)
        }
    }
}

/// Closes the database pool when the service group shuts down.
struct DatabaseService: Service {
    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}

extension GatehouseConfiguration {
    /// The connection limits every listener shares: idle (read) timeout and header size.
    var http1: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            idleTimeout: TimeAmount(idleTimeout),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: 100)
        )
    }
}

extension GatehouseConfiguration {
    /// The host `/metrics` listens on when that is not a loopback address and no token guards it: anyone who can
    /// reach it then reads request counts by status and client activity. Nil when it is private or guarded.
    var exposedMetricsHost: String? {
        guard metricsToken == nil else { return nil }
        let host = metricsAddress?.host ?? self.host
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        return loopback ? nil : host
    }

    func cacheTTL(for kind: DatabaseKind) -> Duration {
        cacheTTL ?? (kind == .sqlite ? .seconds(60) : .seconds(1))
    }
}
