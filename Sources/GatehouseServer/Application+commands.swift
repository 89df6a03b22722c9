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
        try MasterKey.load(environment: masterKey ?? ProcessInfo.processInfo.environment["GATEHOUSE_MASTER_KEY"], dataDirectory: dataDirectory)
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
        let token = ClientSecret.generate()
        _ = try await store.createAdminToken(name: name, hash: try configuration.loadMasterKey().secretHasher.hash(token), at: configuration.clock.now)
        return token.value
    }
}
