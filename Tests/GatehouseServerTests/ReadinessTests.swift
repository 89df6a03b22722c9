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

/// `/ready` is 503 whenever this node should not be sent traffic; `/health` stays 200 throughout, since the
/// process itself is alive. (Draining on SIGTERM is tested against the binary: Tests/Browser/test_shutdown.py.)
@Suite("Readiness")
struct ReadinessTests {
    @Test(arguments: StoreKind.enabled)
    func readyUntilDrainingThen503WhileHealthStays200(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let ready = try await app.request(.get, "/ready")
            #expect(ready.status == .ok && ready.json["status"] as? String == "ready")
            app.runtime.readiness.beginDraining()
            let draining = try await app.request(.get, "/ready")
            #expect(draining.status == .serviceUnavailable && draining.json["status"] as? String == "draining")
            #expect(try await app.request(.get, "/health").status == .ok)
        }
    }

    /// A migration this binary knows but the database has not applied (a restored older dump, or another node
    /// part-way through) makes the node unready until it is applied.
    @Test(arguments: StoreKind.enabled)
    func aPendingMigrationIs503Migrating(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let database = app.runtime.store.database
            try await database.withWriter { db in
                try await db.raw("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)").run()
            }
            let pending = try await app.request(.get, "/ready")
            #expect(pending.status == .serviceUnavailable && pending.json["status"] as? String == "migrating")
            #expect(try await app.request(.get, "/health").status == .ok)
        }
    }

    /// On PostgreSQL, a node holding the migration lock means the schema is changing under every node.
    @Test(.enabled(if: StoreKind.enabled.contains(.postgres)))
    func anotherNodeHoldingTheMigrationLockIs503Migrating() async throws {
        try await TestApp.run(.postgres) { app in
            let key = MigrationRunner.advisoryLockKey(for: app.runtime.store.database)
            let other = try Database.postgres(url: ProcessInfo.processInfo.environment["POSTGRES_URL"]!, maxConnectionsPerEventLoop: 1, logger: Logger(label: "other"))
            do {
                try await other.withWriter { db in
                    try await db.raw("SELECT pg_advisory_lock(\(literal: key))").run()
                    let held = try await app.request(.get, "/ready")
                    #expect(held.status == .serviceUnavailable && held.json["status"] as? String == "migrating")
                    try await db.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
                }
                #expect(try await app.request(.get, "/ready").status == .ok)
                await other.shutdown()
            } catch {
                await other.shutdown()
                throw error
            }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anUnreachableDatabaseIs503(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            await app.runtime.store.database.shutdown()
            let down = try await app.request(.get, "/ready")
            #expect(down.status == .serviceUnavailable && down.json["status"] as? String == "database_unavailable")
            #expect(try await app.request(.get, "/health").status == .ok)
        }
    }
}
