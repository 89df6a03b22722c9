import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import Logging

/// Options shared by commands that open the store directly.
struct StoreOptions: ParsableArguments {
    @Option(help: "postgres://user:pass@host:port/db, or an SQLite file path. Default: ./gatehouse-data/gatehouse.sqlite (env GATEHOUSE_DATABASE_URL).")
    var database: String?

    @Option(help: "Directory for the SQLite file and master.key.")
    var dataDirectory: String = "./gatehouse-data"

    func apply(to configuration: inout GatehouseConfiguration) {
        configuration.databaseURL = database ?? ProcessInfo.processInfo.environment["GATEHOUSE_DATABASE_URL"]
        configuration.dataDirectory = dataDirectory
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (migrations run first).")

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind.")
    var port: Int = 8080

    @Option(help: "Issuer URL for the `iss` claim: the public URL clients use. Default: http://<host>:<port>, or https:// with --tls-cert.")
    var issuer: String?

    @Option(help: "Access token lifetime in seconds.")
    var tokenTTL: Int = 5400

    @Option(help: "When traditional service accounts become deprecated (ISO 8601 date or time; env GATEHOUSE_TRADITIONAL_DEPRECATED_AT). Default 2021-12-09.")
    var traditionalDeprecatedAt: String?

    @Option(help: "When creating traditional accounts is blocked (env GATEHOUSE_TRADITIONAL_CREATION_BLOCKED_AT). Default 2024-10-01.")
    var traditionalCreationBlockedAt: String?

    @Option(help: "When traditional accounts stop working; a bare date means the end of that day UTC (env GATEHOUSE_TRADITIONAL_SUNSET_AT). Default 2024-12-31.")
    var traditionalSunsetAt: String?

    @Option(help: "REST requests per client and company per hour (env GATEHOUSE_RATE_LIMIT_HOURLY).")
    var rateLimitHourly: Int?

    @Option(help: "REST requests per client and company per 10 seconds (env GATEHOUSE_RATE_LIMIT_SPIKE).")
    var rateLimitSpike: Int?

    @Option(help: "Log lines as `text` (human-readable, the default) or `json` (one object per line: time, level, label, message, request_id, fields). Env GATEHOUSE_LOG_FORMAT.")
    var logFormat: String?

    @Option(help: "Failed authentications allowed per address in the failure window before 429s (env GATEHOUSE_AUTH_FAILURES_PER_ADDRESS). Default 50.")
    var authFailuresPerAddress: Int?

    @Option(help: "Failed authentications allowed per credential in the failure window before 429s (env GATEHOUSE_AUTH_FAILURES_PER_CREDENTIAL). Default 5.")
    var authFailuresPerCredential: Int?

    @Option(help: "Console sessions end this many seconds after sign-in, however active (env GATEHOUSE_SESSION_LIFETIME).")
    var sessionLifetime: Int?

    @Option(help: "Console sessions end after this many seconds without a request (env GATEHOUSE_SESSION_IDLE_TIMEOUT).")
    var sessionIdleTimeout: Int?

    @Option(help: "Comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For is believed (env GATEHOUSE_TRUSTED_PROXIES).")
    var trustedProxies: String?

    @Option(help: "Domain of generated contact emails (env GATEHOUSE_CONTACT_EMAIL_DOMAIN). Default: serviceaccounts.<issuer host>.")
    var contactEmailDomain: String?

    @Option(help: "Days an uninstalled app can be reinstalled with its contact and permitted projects restored (env GATEHOUSE_REINSTALL_RETENTION_DAYS).")
    var reinstallRetentionDays: Int?

    @Option(help: "Days of audit log to keep; older rows are pruned. 0 keeps them forever (env GATEHOUSE_AUDIT_RETENTION_DAYS). Default 365.")
    var auditRetentionDays: Int?

    @Option(help: "Days of permission-use counts kept for least-privilege reports; 0 keeps them forever (env GATEHOUSE_USAGE_RETENTION_DAYS). Default 90.")
    var usageRetentionDays: Int?

    @Flag(inversion: .prefixedNo, help: "Count which granted permission each allowed REST call used, for least-privilege reports. On by default.")
    var usageRecording = true

    @Option(help: "Seconds a connection may send nothing before it is closed, mid-request or between requests. Default 30.")
    var idleTimeout: Int = 30

    @Option(help: "PEM certificate chain: serve HTTPS (TLS 1.2+) instead of HTTP; SIGHUP reloads it (env GATEHOUSE_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert (env GATEHOUSE_TLS_KEY).")
    var tlsKey: String?

    @Option(help: "After SIGTERM, seconds to keep serving with /ready at 503 before the listener closes (for a load balancer to notice). Default 0.")
    var shutdownDrain: Int = 0

    @Option(help: "After the listener closes, seconds requests in flight may take to finish before they are cancelled. Default 30.")
    var shutdownTimeout: Int = 30

    @Option(help: "Most bytes of request headers accepted. Default 16384.")
    var maxHeaderBytes: Int = 16 * 1024

    @Option(help: "Most connections served at once; more wait in the listen backlog. Default 2048.")
    var maxConnections: Int = 2_048

    @Option(help: "Entries per read cache (clients, access, revocations, installations); a full cache sheds its older half. Default 200000.")
    var cacheEntries: Int = 200_000

    @Option(help: "Bearer token /metrics requires (prefer env GATEHOUSE_METRICS_TOKEN, which `ps` does not show).")
    var metricsToken: String?

    @Option(help: "host:port to serve /metrics on instead of the main port (env GATEHOUSE_METRICS_ADDRESS).")
    var metricsAddress: String?

    @Flag(help: "Seed a demo company, projects, an admin user and a service account, and print a curl line.")
    var demo = false

    @Option(name: .customLong("apply"), help: "A Gatehouse-as-code document (YAML or JSON) applied after migrations and before listening; an error stops start-up.")
    var applyFile: String?

    @Flag(help: "Let a document fix client_id and client_secret (CI fixtures only; env GATEHOUSE_ALLOW_GIVEN_CREDENTIALS=1).")
    var allowGivenCredentials = false

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        configuration.host = host
        configuration.port = port
        configuration.issuer = issuer
        configuration.tokenTTL = tokenTTL
        configuration.adminToken = ProcessInfo.processInfo.environment["GATEHOUSE_ADMIN_TOKEN"]
        configuration.sunsetPolicy = try sunsetPolicy()
        let env = ProcessInfo.processInfo.environment
        let hourly = rateLimitHourly ?? env["GATEHOUSE_RATE_LIMIT_HOURLY"].flatMap(Int.init) ?? 3600
        let spike = rateLimitSpike ?? env["GATEHOUSE_RATE_LIMIT_SPIKE"].flatMap(Int.init) ?? 200
        configuration.rateLimits = RateLimitPolicy(hourly: hourly, spike: spike)
        let perAddress = authFailuresPerAddress ?? env["GATEHOUSE_AUTH_FAILURES_PER_ADDRESS"].flatMap(Int.init) ?? configuration.failurePolicy.perAddress
        let perCredential = authFailuresPerCredential ?? env["GATEHOUSE_AUTH_FAILURES_PER_CREDENTIAL"].flatMap(Int.init) ?? configuration.failurePolicy.perCredential
        configuration.failurePolicy.perAddress = perAddress
        configuration.failurePolicy.perCredential = perCredential
        let lifetime = sessionLifetime ?? env["GATEHOUSE_SESSION_LIFETIME"].flatMap(Int.init) ?? 8 * 3600
        let idle = sessionIdleTimeout ?? env["GATEHOUSE_SESSION_IDLE_TIMEOUT"].flatMap(Int.init) ?? 30 * 60
        configuration.sessionLifetime = TimeInterval(lifetime)
        if let domain = contactEmailDomain ?? env["GATEHOUSE_CONTACT_EMAIL_DOMAIN"] {
            configuration.contactEmailDomain = domain.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if let proxies = trustedProxies ?? env["GATEHOUSE_TRUSTED_PROXIES"], !proxies.isEmpty {
            configuration.trustedProxies = try proxies.split(separator: ",").map { item in
                guard let range = AddressRange(String(item)) else { throw ValidationError("--trusted-proxies: '\(item)' is not an address or CIDR range") }
                return range
            }
        }
        let retentionDays = reinstallRetentionDays ?? env["GATEHOUSE_REINSTALL_RETENTION_DAYS"].flatMap(Int.init) ?? 30
        configuration.reinstallRetention = TimeInterval(retentionDays) * 86_400
        configuration.sessionIdleTimeout = TimeInterval(idle)
        let auditDays = auditRetentionDays ?? env["GATEHOUSE_AUDIT_RETENTION_DAYS"].flatMap(Int.init) ?? 365
        configuration.auditRetentionDays = auditDays
        configuration.usageRetentionDays = usageRetentionDays ?? env["GATEHOUSE_USAGE_RETENTION_DAYS"].flatMap(Int.init) ?? 90
        configuration.recordsUsage = usageRecording
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.shutdownDrain = .seconds(shutdownDrain)
        switch (tlsCert ?? env["GATEHOUSE_TLS_CERT"], tlsKey ?? env["GATEHOUSE_TLS_KEY"]) {
        case (nil, nil): break
        case let (cert?, key?): configuration.tls = (cert, key)
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        configuration.shutdownTimeout = .seconds(shutdownTimeout)
        configuration.maxHeaderBytes = maxHeaderBytes
        configuration.cacheEntries = cacheEntries
        configuration.maxConnections = maxConnections
        if let token = metricsToken ?? env["GATEHOUSE_METRICS_TOKEN"], !token.isEmpty { configuration.metricsToken = token }
        if let address = metricsAddress ?? env["GATEHOUSE_METRICS_ADDRESS"] {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65_535).contains(port) else {
                throw ValidationError("--metrics-address must be host:port, such as 127.0.0.1:9090")
            }
            configuration.metricsAddress = (String(address[..<colon]), port)
        }

        guard let format = AccessLog.Format(rawValue: logFormat ?? env["GATEHOUSE_LOG_FORMAT"] ?? "text") else {
            throw ValidationError("--log-format must be text or json, not \(logFormat ?? env["GATEHOUSE_LOG_FORMAT"] ?? "")")
        }
        switch format {
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        case .text: LoggingSystem.bootstrap { label in TextLogHandler(label: label) }
        }
        // The access log in the same format, written in batches off the request path (issue 27).
        configuration.accessLog = AccessLog(format: format, onDrop: { [metrics = configuration.metrics] count in metrics.accessLogDropped(count) })
        var logger = Logger(label: "gatehouse")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        if demo, configuration.adminToken == nil {
            configuration.adminToken = RandomToken.base64URL(byteCount: 24)
        }
        configuration.allowsGivenCredentials = allowGivenCredentials || env["GATEHOUSE_ALLOW_GIVEN_CREDENTIALS"] == "1"
        // Read before anything opens, so a bad file stops start-up with its paths and touches no store.
        let document = try applyFile.map { path in
            do {
                return try DocumentFile.document(fromText: try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw Self.applyFailed(path, error)
            }
        }
        let (app, runtime) = try await buildApplication(configuration: configuration, logger: logger)
        if let document, let path = applyFile {
            do {
                let applied = try await applyDocument(document, runtime: runtime, configuration: configuration)
                FileHandle.standardOutput.write(Data((applied.summary + "\n").utf8))
            } catch {
                await runtime.store.database.shutdown()
                throw Self.applyFailed(path, error)
            }
        }
        if demo {
            let seeded = try await DemoSeed.run(runtime: runtime, configuration: configuration)
            // Written unbuffered: piped stdout is block-buffered, and the demo output must appear before serving.
            FileHandle.standardOutput.write(Data((seeded.summary(configuration: configuration) + "\n").utf8))
        }
        // The runtime holds the SQLite file lock; keep it for as long as the server runs.
        try await runUntilSignalled(app, runtime: runtime, configuration: configuration, logger: logger)
        withExtendedLifetime(runtime) {}
    }
}

extension Serve {
    /// Prints why `--apply` failed (each field path of a bad document on its own line) and gives the exit code:
    /// start-up stops, and nothing of the document was kept.
    static func applyFailed(_ path: String, _ error: any Error) -> ExitCode {
        var text = "gatehouse serve: --apply \(path) failed, nothing was applied: "
        switch error {
        case let error as GatehouseCore.ValidationError:
            text += error.message + "\n" + error.fields.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        case let error as DomainError:
            text += error.message + "\n" + error.fields.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        default:
            text += "\(error)"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
        return ExitCode(1)
    }

    /// Flags win over environment variables, which win over Procore's dates. Out-of-order dates stop start-up.
    func sunsetPolicy() throws -> SunsetPolicy {
        let env = ProcessInfo.processInfo.environment
        func date(_ flag: String?, _ variable: String, _ name: String, endOfDay: Bool, default value: Date) throws -> Date {
            guard let text = flag ?? env[variable] else { return value }
            guard let date = SunsetPolicy.parseDate(text, endOfDay: endOfDay) else {
                throw ArgumentParser.ValidationError("\(name) must be an ISO 8601 date (2024-12-31) or time (2024-12-31T18:00:00Z), got '\(text)'")
            }
            return date
        }
        let defaults = SunsetPolicy.procore
        if demo, traditionalDeprecatedAt == nil, traditionalCreationBlockedAt == nil, traditionalSunsetAt == nil {
            return DemoSeed.policy(now: Date())
        }
        do {
            return try SunsetPolicy(
                deprecatedAt: try date(traditionalDeprecatedAt, "GATEHOUSE_TRADITIONAL_DEPRECATED_AT", "--traditional-deprecated-at", endOfDay: false, default: defaults.deprecatedAt),
                creationBlockedAt: try date(traditionalCreationBlockedAt, "GATEHOUSE_TRADITIONAL_CREATION_BLOCKED_AT", "--traditional-creation-blocked-at", endOfDay: false, default: defaults.creationBlockedAt),
                sunsetAt: try date(traditionalSunsetAt, "GATEHOUSE_TRADITIONAL_SUNSET_AT", "--traditional-sunset-at", endOfDay: true, default: defaults.sunsetAt)
            )
        } catch let error as GatehouseCore.ValidationError {
            throw ArgumentParser.ValidationError(error.message)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        let logger = Logger(label: "gatehouse")
        let applied = try await runMigrations(configuration: configuration, logger: logger)
        print(applied.isEmpty ? "database is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
