import Foundation
import GatehouseCore

/// Everything `buildApplication` needs, resolved from flags and environment by the CLI (or by a test).
public struct GatehouseConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// The `iss` claim and the base of every advertised endpoint. Defaults to `http://host:port`.
    public var issuer: String?
    /// Access token lifetime in seconds (Procore's is 5400).
    public var tokenTTL: Int = 5400
    /// `postgres://…` or an SQLite file path.
    public var databaseURL: String?
    /// PostgreSQL schema to use instead of `public`; lets deployments (and tests) share one database.
    public var databaseSchema: String?
    public var dataDirectory: String = "./gatehouse-data"
    /// `GATEHOUSE_ADMIN_TOKEN`: the operator bearer token for the admin API.
    public var adminToken: String?
    /// `GATEHOUSE_MASTER_KEY`; when nil, the environment and then `<dataDirectory>/master.key` are used.
    public var masterKey: String?
    /// `GATEHOUSE_MASTER_KEY_PREVIOUS`: other master keys accepted during a rotation (comma-separated); when nil,
    /// the environment and then `<dataDirectory>/master.key.previous` are used.
    public var previousMasterKeys: String?
    /// The domain of generated contact emails (`svc-…@<domain>`), `--contact-email-domain`. Default:
    /// `serviceaccounts.<issuer host>`. Users may never take an email under it.
    public var contactEmailDomain: String?
    /// How long an uninstalled app can be reinstalled with its contact and permitted projects restored.
    public var reinstallRetention: TimeInterval = 30 * 86_400
    public var sunsetPolicy: SunsetPolicy = .procore
    /// REST rate limits per client and company.
    public var rateLimits = RateLimitPolicy()
    /// bcrypt cost for human passwords; tests lower it.
    public var bcryptCost: UInt8 = 12
    public var clock: any GatehouseCore.Clock = SystemClock()
    /// How long a cached read may outlive a change this node did not see. Notifications (PostgreSQL) and the
    /// in-process change feed make changes visible at once; this is only the backstop. nil picks by engine: one
    /// second on PostgreSQL, where another node's notification could be lost while its listener reconnects;
    /// a minute on SQLite, whose only writer is this process (every CLI command that changes cached data goes
    /// through the admin API), so that a hundred thousand clients stay cached between their requests.
    public var cacheTTL: Duration?
    /// `--cache-entries`: entries per read cache (client records, access, revocations, installations). A full
    /// cache sheds its least recently used half.
    public var cacheEntries: Int = 200_000
    /// On PostgreSQL, whether this node listens for other nodes' changes. Only tests turn it off, to show
    /// that the cross-node guarantees rest on the listener.
    public var listensForChanges = true
    /// `--trusted-proxies`: only connections from these ranges may set the client address with X-Forwarded-For.
    public var trustedProxies: [AddressRange] = []
    /// Failed authentications allowed before a 429, and how long a lockout grows (see ``FailurePolicy``).
    public var failurePolicy = FailurePolicy()
    /// A console session ends this long after sign-in, however active (`--session-lifetime`).
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// A console session ends after this long without a request (`--session-idle-timeout`).
    public var sessionIdleTimeout: TimeInterval = 30 * 60

    /// `--idle-timeout`: a connection that sends nothing for this long is closed, mid-request or between
    /// requests, so slow clients cannot hold connections open.
    public var idleTimeout: Duration = .seconds(30)
    /// `--max-header-bytes`: the most header bytes a request may send (each field and all together).
    public var maxHeaderBytes: Int = 16 * 1024
    /// `--max-connections`: connections served at once; further ones wait in the listen backlog.
    public var maxConnections: Int = 2_048
    /// `--shutdown-drain`: after SIGTERM, how long to keep serving with `/ready` at 503 before the listener
    /// closes, so a load balancer stops sending new requests first. Zero closes the listener at once.
    public var shutdownDrain: Duration = .zero
    /// `--tls-cert` and `--tls-key` (PEM): when set, the server speaks only HTTPS (TLS 1.2 or later), the issuer
    /// defaults to `https://`, and cookies are `Secure`. SIGHUP reloads both files.
    public var tls: (certificatePath: String, keyPath: String)?
    /// `--shutdown-timeout`: how long requests in flight at shutdown may take to finish before they are cancelled.
    public var shutdownTimeout: Duration = .seconds(30)
    /// `--metrics-token` or `GATEHOUSE_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// `--metrics-address`: when set (`host:port`), `/metrics` is served there only, not on the main port.
    public var metricsAddress: (host: String, port: Int)?

    /// `--audit-retention-days`: audit rows older than this are pruned; 0 keeps them forever.
    public var auditRetentionDays: Int = 365
    /// How often the pruning service runs (it also runs once at start-up); nil runs none (tests that prune by
    /// hand, so the service cannot race them).
    public var pruneInterval: Duration? = .seconds(600)
    /// `--usage-retention-days`: days of permission-use counts kept for least-privilege reports; 0 keeps them forever.
    public var usageRetentionDays: Int = 90
    /// `--no-usage-recording` turns it off: allowed REST calls are then not counted (the bench's comparison row).
    public var recordsUsage = true
    /// How often a node writes its permission-use counts; at most this much is lost if the process is killed.
    public var usageFlushInterval: Duration = .seconds(10)

    /// `--allow-given-credentials`: a document may fix a service account's or app's `client_id` and `client_secret`
    /// (CI fixtures). Off by default: in production every secret is generated and shown once.
    public var allowsGivenCredentials = false
    /// `--apply FILE`: a document applied after migrations and before listening; a failure stops start-up.
    public var applyAtStart: DeploymentDocument? = nil
    /// Tests only: an apply throws after this many changes, to show that its transaction leaves nothing behind.
    public var applyFaultAfter: Int? = nil

    /// Behind TLS, cookies are `Secure` and carry the `__Host-` prefix, which pins them to this host and path `/`.
    public var secureCookies: Bool { resolvedIssuer.lowercased().hasPrefix("https://") }
    public var sessionCookieName: String { secureCookies ? "__Host-gh_session" : "gh_session" }
    public var csrfCookieName: String { secureCookies ? "__Host-gh_csrf" : "gh_csrf" }
    /// The batched access log `gatehouse serve` writes (see ``AccessLog``). When nil, each request's line goes
    /// through the application's logger instead, which suits an embedding application and the tests.
    public var accessLog: AccessLog? = nil
    /// Where `/metrics` reads from; one per application unless shared on purpose.
    public var metrics = GatehouseMetrics()

    public init() {}

    public var resolvedIssuer: String { issuer ?? "\(tls == nil ? "http" : "https")://\(host):\(port)" }

    public var resolvedContactEmailDomain: String {
        if let contactEmailDomain { return contactEmailDomain }
        let issuerHost = URLComponents(string: resolvedIssuer)?.host ?? host
        // An address is no domain: an issuer on 127.0.0.1 gets contacts under serviceaccounts.localhost.
        let isAddress = issuerHost.isEmpty || issuerHost.contains(":") || issuerHost.allSatisfy { $0.isNumber || $0 == "." }
        return "serviceaccounts.\(isAddress ? "localhost" : issuerHost)"
    }

    public var resolvedDatabaseURL: String {
        databaseURL ?? (dataDirectory as NSString).appendingPathComponent("gatehouse.sqlite")
    }
}

extension GatehouseConfiguration {
    /// The shortest operator token accepted: 32 characters, so a guessable word can never open the admin API.
    public static let minimumAdminTokenLength = 32

    /// Refuses settings that must stop start-up, with a message that says what to do.
    /// Every range a setting must fall in, checked once, here, whichever way the configuration was made (the
    /// `serve` command's flags and environment, a test, an embedding program). The messages name the flags.
    public func validate() throws {
        if let adminToken, !adminToken.isEmpty, adminToken.count < Self.minimumAdminTokenLength {
            throw ConfigurationError(
                "GATEHOUSE_ADMIN_TOKEN is \(adminToken.count) characters; it must be at least \(Self.minimumAdminTokenLength). "
                + "Generate one with `openssl rand -base64 32`, or use `gatehouse admin-token create NAME`."
            )
        }
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw ConfigurationError(message) } }
        try check((1...86_400).contains(tokenTTL), "--token-ttl must be between 1 and 86400 seconds")
        try check(rateLimits.hourly > 0 && rateLimits.spike > 0 && rateLimits.spikeWindow > 0, "rate limits must be positive")
        try check(failurePolicy.perAddress > 0 && failurePolicy.perCredential > 0, "failure limits must be positive")
        try check((60...(30 * 86_400)).contains(sessionLifetime) && sessionIdleTimeout >= 60 && sessionIdleTimeout <= sessionLifetime,
                  "--session-lifetime must be 60 s to 30 days, and --session-idle-timeout 60 s up to the lifetime")
        if let domain = contactEmailDomain {
            try check(domain.contains(".") && domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
                      "--contact-email-domain must be a domain name such as serviceaccounts.example.com")
        }
        try check((0...(365 * 86_400)).contains(reinstallRetention), "--reinstall-retention-days must be 0 to 365")
        try check(auditRetentionDays >= 0, "--audit-retention-days must be 0 (keep forever) or more")
        try check((0...3650).contains(usageRetentionDays), "--usage-retention-days must be 0 (keep forever) to 3650")
        try check(usageFlushInterval >= .milliseconds(10) && usageFlushInterval <= .seconds(10), "the usage flush interval must be 10 ms to 10 s")
        try check(idleTimeout >= .seconds(1) && idleTimeout <= .seconds(3600), "--idle-timeout must be 1 to 3600 seconds")
        try check(shutdownDrain >= .zero && shutdownDrain <= .seconds(600), "--shutdown-drain must be 0 to 600 seconds")
        try check(shutdownTimeout >= .seconds(1) && shutdownTimeout <= .seconds(3600), "--shutdown-timeout must be 1 to 3600 seconds")
        try check((1024...(1024 * 1024)).contains(maxHeaderBytes), "--max-header-bytes must be 1024 to 1048576")
        try check((1_000...10_000_000).contains(cacheEntries), "--cache-entries must be 1000 to 10000000")
        try check(maxConnections >= 1, "--max-connections must be at least 1")
        if let metricsToken { try check(metricsToken.count >= 16, "the metrics token must be at least 16 characters") }
        if let metricsAddress { try check((1...65_535).contains(metricsAddress.port), "--metrics-address must be host:port, such as 127.0.0.1:9090") }
    }
}
