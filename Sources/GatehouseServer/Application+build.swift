import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import HummingbirdBcrypt
import Logging
import ServiceLifecycle

/// The running pieces that tests and the CLI may want to reach after building the app.
public struct GatehouseRuntime: Sendable {
    public let store: SQLStore
    public let keys: KeyRing
    public let hasher: SecretHasher
}

/// Opens the store, runs migrations, loads the signing keys and wires every surface, in one place.
public func buildApplication(
    configuration: GatehouseConfiguration, logger: Logger
) async throws -> (some ApplicationProtocol, GatehouseRuntime) {
    let database = try configuration.openDatabase(logger: logger)
    let store = SQLStore(database: database)
    let keys: KeyRing
    let masterKey: MasterKey
    do {
        try await store.migrate(logger: logger)
        masterKey = try configuration.loadMasterKey()
        keys = KeyRing(store: store, masterKey: masterKey, clock: configuration.clock, retention: TimeInterval(configuration.tokenTTL), changes: database.changes)
        try await keys.load()
    } catch {
        await database.shutdown()
        throw error
    }
    let runtime = GatehouseRuntime(store: store, keys: keys, hasher: masterKey.secretHasher)
    let router = buildRouter(store: store, runtime: runtime, configuration: configuration)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Gatehouse"),
        logger: logger
    )
    app.addServices(DatabaseService(database: database))
    if database.kind == .postgres {
        // A service that returns ends the whole group, so only PostgreSQL (which has something to listen to) gets one.
        app.addServices(ChangeListenerService(database: database, logger: logger))
    }
    return (app, runtime)
}

func buildRouter<Repository: GatehouseRepository>(
    store: Repository, runtime: GatehouseRuntime, configuration: GatehouseConfiguration
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: configuration.metrics))

    let auditor = Auditor(store: store, clock: configuration.clock)
    let tokens = TokenService(
        repository: store, keys: runtime.keys, hasher: runtime.hasher, issuer: configuration.resolvedIssuer,
        ttl: configuration.tokenTTL, clock: configuration.clock, policy: configuration.sunsetPolicy,
        verifiedSignatures: VerifiedTokenCache()
    )
    HealthController(store: runtime.store, metrics: configuration.metrics).addRoutes(to: router)
    OAuthController(tokens: tokens, auditor: auditor, keys: runtime.keys, issuer: configuration.resolvedIssuer, metrics: configuration.metrics).addRoutes(to: router)

    LoginController(
        repository: store, auditor: auditor, configuration: configuration,
        dummyHash: Bcrypt.hash(RandomToken.base64URL(byteCount: 16), cost: configuration.bcryptCost)
    ).addRoutes(to: router)

    DocsController(configuration: configuration).addRoutes(to: router)

    let rateLimiter = RateLimiter(policy: configuration.rateLimits, shared: runtime.store.database.kind == .postgres ? store : nil)
    let rest = router.group("rest").add(middleware: BearerAuthenticator(tokens: tokens, rateLimiter: rateLimiter))
    MeController(repository: store).addRoutes(to: rest)
    CompaniesController(repository: store).addRoutes(to: rest)
    ProjectsController(repository: store, auditor: auditor).addRoutes(to: rest)
    RFIController(repository: store, auditor: auditor, clock: configuration.clock).addRoutes(to: rest)

    let admin = router.group("admin/v1").add(middleware: AdminAuthenticator(adminToken: configuration.adminToken, store: store, hasher: runtime.hasher, clock: configuration.clock))
    AdminController(repository: store, auditor: auditor, hasher: runtime.hasher, keys: runtime.keys, configuration: configuration).addRoutes(to: admin)
    AppsController(repository: store, auditor: auditor, hasher: runtime.hasher, configuration: configuration).addRoutes(to: admin)
    SunsetController(repository: store, auditor: auditor, configuration: configuration).addRoutes(to: admin)
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
