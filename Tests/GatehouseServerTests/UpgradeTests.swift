import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing

/// Migrations are forward-only, and a database made by an earlier release must keep working after an upgrade.
/// `Fixtures/schema-v3.sqlite` is such a database, committed as it was made: schema at migration 3 (before the
/// console, app credentials, listings, secret slots and operator-token use), holding one company, one project and
/// one traditional service account with a company permission.
@Suite("Upgrades")
struct UpgradeTests {
    /// The master key and secret the fixture was made with. Test values only: they protect nothing else.
    static let fixtureMasterKey = "3q5XQx3s0H0cO9cT2mG9kP0nq3r0Z8xw6vFh4bJ1yLk="
    static let fixtureClientID = "fixture-client-0000000000000000000000000000000000000000000000001"
    static let fixtureSecret = "fixture-secret-made-at-migration-3-do-not-use-0123456789"
    static var fixturePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema-v3.sqlite").path
    }

    @Test func aDatabaseMadeAtMigration3UpgradesAndItsAccountStillGetsTokens() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-upgrade-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/gatehouse.sqlite"
        try FileManager.default.copyItem(atPath: Self.fixturePath, toPath: path)

        var configuration = TestApp.baseConfiguration(clock: ManualClock(Date(timeIntervalSince1970: 1_600_000_000)), masterKey: Self.fixtureMasterKey)
        configuration.dataDirectory = directory
        configuration.databaseURL = path
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let (app, runtime) = try await buildApplication(configuration: configuration, logger: logger)
        let settings = configuration
        do {
            let versions = try await runtime.store.database.withConnection { db in
                try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all().map { try $0.decode(column: "version", as: Int.self) }
            }
            #expect(versions == Migrations.all.map(\.version), "every later migration applied, in order")
            try await app.test(.router) { client in
                let test = TestApp(client: client, runtime: runtime, clock: settings.clock as! ManualClock, configuration: settings)
                let token = try await test.accessToken(clientID: Self.fixtureClientID, secret: Self.fixtureSecret)
                let me = try await test.rest(.get, "/rest/v1.0/me", token: token, company: nil)
                #expect(me.status == .ok)
                let projects = try await test.rest(.get, "/rest/v1.0/companies/1/projects", token: token, company: 1)
                #expect(projects.status == .ok, "the company permission granted at migration 3 still grants")
                #expect(projects.jsonArray.map { $0["name"] as? String } == ["Fixture Tower"])
                // What later migrations added works on the old rows: rotation uses the secret slots of migration 7.
                let rotated = try await test.admin(.post, "/companies/1/service_accounts/1/rotate_secret", json: [:])
                #expect(rotated.status == .created || rotated.status == .ok, "\(rotated.text)")
                #expect(try await test.ready())
            }
            await runtime.store.database.shutdown()
        } catch {
            await runtime.store.database.shutdown()
            throw error
        }
    }

    /// Writes the fixture. Run once, by hand, when it must be remade (it never should: it stands for databases
    /// already in the field): `GATEHOUSE_WRITE_FIXTURE=1 swift test --filter writeTheMigration3Fixture`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GATEHOUSE_WRITE_FIXTURE"] == "1"))
    func writeTheMigration3Fixture() async throws {
        try? FileManager.default.removeItem(atPath: Self.fixturePath)
        let database = try Database.sqlite(path: Self.fixturePath, logger: Logger(label: "fixture"))
        let hash = MasterKey(encoded: Self.fixtureMasterKey)!.secretHasher.hash(ClientSecret(Self.fixtureSecret))
        try await MigrationRunner(migrations: Migrations.all.filter { $0.version <= 3 }, clock: ManualClock(Date(timeIntervalSince1970: 1_590_000_000)))
            .run(on: database, logger: Logger(label: "fixture"))
        try await database.transaction { db in
            let t: Int64 = 1_590_000_000
            for statement: SQLQueryString in [
                "INSERT INTO companies (id, name, is_active, created_at) VALUES (1, 'Fixture Builders', \(bind: true), \(bind: t))",
                """
                INSERT INTO people (id, kind, first_name, last_name, email, is_active, home_company_id, created_at, updated_at)
                VALUES (1, 'service_account', 'Fixture Sync', '(Service Account)', 'svc-fixture@serviceaccounts.gatehouse.test', \(bind: true), 1, \(bind: t), \(bind: t))
                """,
                "INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at) VALUES (1, 1, \(bind: false), \(bind: true), \(bind: t))",
                "INSERT INTO company_permissions (company_id, person_id, tool, level) VALUES (1, 1, 'portfolio', 'readonly')",
                """
                INSERT INTO projects (id, company_id, name, display_name, active, created_at, updated_at)
                VALUES (1, 1, 'Fixture Tower', 'Fixture Tower', \(bind: true), \(bind: t), \(bind: t))
                """,
                """
                INSERT INTO clients (id, client_id, kind, generation, is_enabled, created_at, updated_at)
                VALUES (1, \(bind: Self.fixtureClientID), 'service_account', 1, \(bind: true), \(bind: t), \(bind: t))
                """,
                "INSERT INTO client_secrets (id, client_pk, hash, created_at) VALUES (1, 1, \(bind: hash), \(bind: t))",
                """
                INSERT INTO service_accounts (id, client_pk, company_id, name, app_type, contact_id, created_at)
                VALUES (1, 1, 1, 'Fixture Sync', 'custom', 1, \(bind: t))
                """,
            ] {
                try await db.raw(statement).run()
            }
        }
        try await database.withWriter { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
        await database.shutdown()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Self.fixturePath + suffix) }
    }
}

extension TestApp {
    func ready() async throws -> Bool { try await request(.get, "/ready").status == .ok }
}
