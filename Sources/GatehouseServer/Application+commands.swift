import Foundation
import GatehouseCore
import GatehouseStore
import Logging

extension GatehouseConfiguration {
    /// The store this configuration names: URL, and schema on PostgreSQL.
    func openDatabase(logger: Logger) throws -> Database {
        try Database.open(url: resolvedDatabaseURL, schema: databaseSchema, logger: logger)
    }

    /// The master key: explicit, else `GATEHOUSE_MASTER_KEY`, else `<dataDirectory>/master.key`.
    func loadMasterKey() throws -> MasterKey {
        try MasterKey.load(environment: masterKeyFromEnvironment, dataDirectory: dataDirectory)
    }

    /// The explicit or environment master key; nil means the data directory's `master.key`.
    var masterKeyFromEnvironment: String? { masterKey ?? ProcessInfo.processInfo.environment["GATEHOUSE_MASTER_KEY"] }

    /// The master key and the keys still accepted during a rotation.
    func loadMasterKeys() throws -> MasterKeys {
        let accepted = try MasterKeys.loadAccepted(
            environment: previousMasterKeys ?? ProcessInfo.processInfo.environment["GATEHOUSE_MASTER_KEY_PREVIOUS"], dataDirectory: dataDirectory)
        return MasterKeys(current: try loadMasterKey(), accepted: accepted)
    }

    /// Opens the store for a one-shot command and always closes it, also when `body` throws.
    func withDatabase<T>(logger: Logger, _ body: (Database) async throws -> T) async throws -> T {
        let database = try openDatabase(logger: logger)
        do {
            let result = try await body(database)
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    }
}

/// `gatehouse migrate`: applies pending migrations and returns their versions.
public func runMigrations(configuration: GatehouseConfiguration, logger: Logger) async throws -> [Int] {
    try await configuration.withDatabase(logger: logger) { database in
        try await MigrationRunner(clock: configuration.clock).run(on: database, logger: logger)
    }
}

/// `gatehouse admin-token create`: stores a new operator token's keyed hash and returns the token, once.
public func createAdminToken(name: String, configuration: GatehouseConfiguration, logger: Logger) async throws -> String {
    try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock)
        try await store.migrate(logger: logger)
        let tokens = OperatorTokens(store: store, auditor: Auditor(store: store, clock: configuration.clock))
        let token = try await tokens.create(name: name, hasher: try configuration.loadMasterKeys().secretHasher, at: configuration.clock.now,
                                            by: Caller(.operator(name: "cli")))
        return token.value
    }
}

/// `gatehouse admin-token list`: every operator token's id, name, creation and last use (never the token).
public func listAdminTokens(configuration: GatehouseConfiguration, logger: Logger) async throws -> [AdminTokenInfo] {
    try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock)
        try await store.migrate(logger: logger)
        return try await OperatorTokens(store: store, auditor: Auditor(store: store, clock: configuration.clock)).list()
    }
}

/// `gatehouse admin-token revoke ID`: through the same service as the admin API, audited as the CLI's operator.
public func revokeAdminToken(id: Int64, configuration: GatehouseConfiguration, logger: Logger) async throws {
    try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock)
        try await store.migrate(logger: logger)
        let tokens = OperatorTokens(store: store, auditor: Auditor(store: store, clock: configuration.clock))
        try await tokens.revoke(id, by: Caller(.operator(name: "cli")))
    }
}

/// One account made by ``seedServiceAccounts(count:companies:configuration:logger:)``.
public struct SeededAccount: Sendable {
    public let companyID: Int64
    public let clientID: String
    public let secret: String
}

/// `gatehouse seed`: `count` traditional service accounts spread over `companies` new companies, made through
/// the same service (rules, audit) as the admin API, eight at a time so their commits group.
public func seedServiceAccounts(count: Int, companies: Int, configuration: GatehouseConfiguration, logger: Logger) async throws -> [SeededAccount] {
    try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock, cacheTTL: configuration.cacheTTL(for: database.kind), cacheEntries: configuration.cacheEntries)
        try await store.migrate(logger: logger)
        let masterKeys = try configuration.loadMasterKeys()
        let keys = KeyRing(store: store, masterKeys: masterKeys, clock: configuration.clock, retention: TimeInterval(configuration.tokenTTL), changes: database.changes)
        try await keys.load()
        let services = Services(store: store, runtime: GatehouseRuntime(store: store, keys: keys, hasher: masterKeys.secretHasher), configuration: configuration)
        let caller = Caller(.operator(name: "seed"))
        var made: [Company] = []
        for index in 0..<max(1, companies) { made.append(try await store.createCompany(name: "Seed Company \(index + 1)")) }
        let targets = made
        return try await withThrowingTaskGroup(of: [SeededAccount].self) { group in
            let lanes = 8
            for lane in 0..<lanes {
                group.addTask {
                    var seeded: [SeededAccount] = []
                    for index in stride(from: lane, to: count, by: lanes) {
                        let company = targets[index % targets.count]
                        let (view, secret) = try await services.serviceAccounts.create(
                            ServiceAccountDraft(name: "Seed \(index + 1)", app_type: "custom"), in: company, by: caller)
                        seeded.append(SeededAccount(companyID: company.id, clientID: view.account.client.clientID, secret: secret.value))
                    }
                    return seeded
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
