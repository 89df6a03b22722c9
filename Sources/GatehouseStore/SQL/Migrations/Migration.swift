import Foundation
import GatehouseCore
import Logging
import SQLKit

/// One versioned schema change. Versions are applied in order and recorded in `schema_migrations`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// Statements per engine; the runner picks by ``DatabaseKind``.
    public let statements: @Sendable (DatabaseKind) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (DatabaseKind) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies pending migrations, each in its own transaction.
///
/// On PostgreSQL it holds an advisory lock for the whole run, so several nodes starting together apply
/// each migration exactly once; the others wait and then find nothing to do.
public struct MigrationRunner: Sendable {
    /// An arbitrary constant shared by every Gatehouse node ("GATE" in ASCII).
    static let advisoryLockKey: Int64 = 0x4741_5445

    public let migrations: [Migration]

    /// Stamps `applied_at`.
    public let clock: any GatehouseCore.Clock

    public init(migrations: [Migration] = Migrations.all, clock: any GatehouseCore.Clock = SystemClock()) {
        self.migrations = migrations
        self.clock = clock
    }

    /// Returns the versions it applied.
    @discardableResult
    public func run(on database: Database, logger: Logger) async throws -> [Int] {
        let kind = database.kind
        let migrations = self.migrations
        return try await database.withWriter { db in
            if kind == .postgres {
                try await db.raw("SELECT pg_advisory_lock(\(literal: Self.advisoryLockKey))").run()
            }
            do {
                let applied = try await apply(migrations, kind: kind, on: db, logger: logger)
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_unlock(\(literal: Self.advisoryLockKey))").run()
                }
                return applied
            } catch {
                if kind == .postgres {
                    try? await db.raw("SELECT pg_advisory_unlock(\(literal: Self.advisoryLockKey))").run()
                }
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], kind: DatabaseKind, on db: any SQLDatabase, logger: Logger) async throws -> [Int] {
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
            """).run()
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            // Check inside the transaction: on SQLite, BEGIN IMMEDIATE is the lock that serialises two
            // processes migrating one file, so the check must come after it.
            try await db.raw(kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                if try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first() != nil {
                    try await db.raw("COMMIT").run()
                    continue
                }
                for statement in migration.statements(kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(clock.now.timeIntervalSince1970)
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))").run()
                try await db.raw("COMMIT").run()
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }
}

