import Foundation
import GatehouseStore
import SQLKit
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test(arguments: StoreKind.enabled)
    func applyOnceAndRecordTheVersion(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let database = try open()
            let first = try await MigrationRunner().run(on: database, logger: TestStore.logger)
            #expect(first == Migrations.all.map(\.version))
            let second = try await MigrationRunner().run(on: database, logger: TestStore.logger)
            #expect(second.isEmpty)
            let versions = try await database.withConnection { db in
                try await db.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) }
            }
            #expect(versions == Migrations.all.map(\.version))
        }
    }

    /// Two nodes starting together: the advisory lock (PostgreSQL) or the single writer (SQLite) makes
    /// exactly one of them apply each migration, and neither fails.
    @Test(arguments: StoreKind.enabled)
    func twoNodesMigratingAtOnceApplyEachMigrationExactlyOnce(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let a = try open(), b = try open()
            async let ranA = MigrationRunner().run(on: a, logger: TestStore.logger)
            async let ranB = MigrationRunner().run(on: b, logger: TestStore.logger)
            let (appliedA, appliedB) = try await (ranA, ranB)
            #expect((appliedA + appliedB).sorted() == Migrations.all.map(\.version))
            let count = try await a.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == Migrations.all.count)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aFailingMigrationRollsBackAndIsNotRecorded(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let database = try open()
            let broken = Migration(version: 1, name: "broken") { _ in
                ["CREATE TABLE half_done (id BIGINT)", "THIS IS NOT SQL"]
            }
            await #expect(throws: (any Error).self) {
                try await MigrationRunner(migrations: [broken]).run(on: database, logger: TestStore.logger)
            }
            let tables = try await database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()!.decode(column: "n", as: Int.self)
            }
            #expect(tables == 0)
            // The half-created table was rolled back with the failed migration.
            await #expect(throws: (any Error).self) {
                try await database.withConnection { db in try await db.raw("SELECT * FROM half_done").run() }
            }
        }
    }
}
