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
    /// The advisory lock of one deployment: "GATE" in ASCII in the high 32 bits and a hash of the schema in the
    /// low 32, so deployments (and tests) sharing a database in separate schemas do not wait on each other, and
    /// `/ready` sees only its own deployment's migrations.
    public static func advisoryLockKey(for database: Database) -> Int64 {
        let schema = database.postgresConfiguration?.searchPath?.first ?? "public"
        var hash: UInt32 = 2_166_136_261   // FNV-1a: stable across processes, unlike Hasher
        for byte in schema.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int64(0x4741_5445) << 32 | Int64(hash)
    }

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
        let key = Self.advisoryLockKey(for: database)
        if kind == .sqlite { return try await runOnSQLite(migrations, on: database, logger: logger) }
        return try await database.withWriter { db in
            if kind == .postgres {
                try await db.raw("SELECT pg_advisory_lock(\(literal: key))").run()
            }
            do {
                let applied = try await apply(migrations, kind: kind, on: db, logger: logger)
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
                }
                return applied
            } catch {
                if kind == .postgres {
                    try? await db.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
                }
                throw error
            }
        }
    }

    /// SQLite has no advisory lock: two processes migrating one new file meet at `BEGIN IMMEDIATE` (and at the
    /// autocommit `CREATE TABLE IF NOT EXISTS` before it), and the loser waits. It waits here, not in SQLite's busy
    /// handler: SQLiteNIO runs every connection on a pool of one thread per core, and a connection sleeping in the
    /// busy handler holds one of them, which on 2 cores can starve the very migration it waits for. So the busy
    /// timeout is short while migrating, and a refused attempt sleeps without a thread and tries again. Every step
    /// is idempotent (each migration checks its version inside its transaction), so a retry resumes where the other
    /// process left off.
    private func runOnSQLite(_ migrations: [Migration], on database: Database, logger: Logger) async throws -> [Int] {
        let deadline = ContinuousClock.now + .seconds(120)
        var applied: [Int] = []
        var attempt = 0
        while true {
            do {
                let step = try await database.withWriter { db in
                    try await db.raw("PRAGMA busy_timeout = 100").run()
                    do {
                        let step = try await apply(migrations, kind: .sqlite, on: db, logger: logger)
                        try await db.raw("PRAGMA busy_timeout = 5000").run()
                        return step
                    } catch {
                        try? await db.raw("PRAGMA busy_timeout = 5000").run()
                        throw error
                    }
                }
                return applied + step
            } catch let busy as SQLiteBusy {
                applied += busy.applied
                attempt += 1
                guard ContinuousClock.now < deadline else { throw busy.underlying }
                try await Task.sleep(for: .milliseconds(min(50 * attempt, 500)))
            }
        }
    }

    /// Whether the schema is not ready for this binary: a migration is running (on PostgreSQL, some node holds
    /// the migration lock) or versions this binary knows are not applied yet. `/ready` answers 503 then.
    public func isPending(on database: Database) async throws -> Bool {
        let latest = migrations.map(\.version).max() ?? 0
        let key = Self.advisoryLockKey(for: database)
        return try await database.withConnection { db in
            if database.kind == .postgres {
                // A bigint advisory key shows in pg_locks as its high and low 32 bits.
                let held = try await db.raw("""
                    SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
                      AND classid = \(literal: key >> 32) AND objid = \(literal: key & 0xFFFF_FFFF) AND objsubid = 1
                    """).first()?.decode(column: "n", as: Int64.self) ?? 0
                if held > 0 { return true }
            }
            let applied = try await db.raw("SELECT max(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int64?.self) ?? nil
            return (applied ?? 0) < latest
        }
    }

    private func apply(_ migrations: [Migration], kind: DatabaseKind, on db: any SQLDatabase, logger: Logger) async throws -> [Int] {
        var applied: [Int] = []
        do {
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
            return try await applyEach(migrations, kind: kind, on: db, logger: logger, applied: &applied)
        } catch where kind == .sqlite && SQLiteBusy.isBusy(error) {
            throw SQLiteBusy(applied: applied, underlying: error)
        }
    }

    private func applyEach(_ migrations: [Migration], kind: DatabaseKind, on db: any SQLDatabase, logger: Logger, applied: inout [Int]) async throws -> [Int] {
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


/// Another process holds SQLite's write lock; `applied` are the versions this attempt applied before it was refused.
struct SQLiteBusy: Error {
    let applied: [Int]
    let underlying: any Error

    static func isBusy(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("database is locked") || text.contains("SQLITE_BUSY")
    }
}
