// AsyncKit predates strict concurrency; its pools are thread-safe (they hop to their event loop or lock),
// as postgres-kit relies on with the same import.
@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import Synchronization

/// Which SQL engine is behind a ``Database``. Only DDL and locking differ; every query is shared.
public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// A session-scoped SQL connection source with transactions.
///
/// Both engines go through SQLKit, so repositories hold one query path. What differs (pooling, how a
/// transaction begins, advisory locks) lives here.
public final class Database: Sendable {
    public let kind: DatabaseKind
    /// Set for PostgreSQL, so a node can LISTEN on a connection of its own.
    public let postgresConfiguration: SQLPostgresConfiguration?
    private let pool: Pool
    private let logger: Logger
    private let isShutDown = Mutex(false)
    /// Moves on every committed write through ``transaction(_:)`` or ``write(_:)``; caches key off it. On
    /// PostgreSQL it is complete only while the node listens for other nodes' changes.
    public let changes: ChangeFeed

    private enum Pool: Sendable {
        /// One writer connection: SQLite serialises writers anyway, and one connection makes transactions
        /// exclusive without `SQLITE_BUSY` retries. Reads use their own `query_only` connections, which WAL
        /// lets run alongside the writer.
        case sqlite(writer: EventLoopConnectionPool<SQLiteSource>, readers: EventLoopGroupConnectionPool<SQLiteSource>)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    /// Opens (creating it and its directory if needed) an SQLite file, in WAL mode.
    public static func sqlite(path: String, logger: Logger) throws -> Database {
        try PrivateFiles.directory((path as NSString).deletingLastPathComponent, logger: logger)
        // Made 0600 before SQLite opens it: SQLite gives the WAL and shared-memory files the database's mode.
        try PrivateFiles.file(path, logger: logger)
        for companion in [path + "-wal", path + "-shm"] { try PrivateFiles.tighten(companion, to: PrivateFiles.fileMode, logger: logger) }
        let logger = driverLogger(logger)
        let writer = EventLoopConnectionPool(
            source: SQLiteSource(path: path, readOnly: false), maxConnections: 1, requestTimeout: .seconds(30), logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        )
        let readers = EventLoopGroupConnectionPool(
            source: SQLiteSource(path: path, readOnly: true), maxConnectionsPerEventLoop: 2, requestTimeout: .seconds(30), logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        return Database(kind: .sqlite, pool: .sqlite(writer: writer, readers: readers), postgres: nil, logger: logger)
    }

    /// Connects to PostgreSQL by URL; `searchPath` lets tests isolate themselves in a schema.
    public static func postgres(url: String, searchPath: [String]? = nil, maxConnectionsPerEventLoop: Int = 4, logger: Logger) throws -> Database {
        let logger = driverLogger(logger)
        var configuration = try SQLPostgresConfiguration(url: url)
        if let searchPath { configuration.searchPath = searchPath }
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: maxConnectionsPerEventLoop, requestTimeout: .seconds(30), logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        return Database(kind: .postgres, pool: .postgres(pool), postgres: configuration, logger: logger)
    }

    /// `--database` values: a `postgres://` or `postgresql://` URL, or an SQLite file path (`sqlite://path` also works).
    /// `schema` (PostgreSQL only) puts every table in that schema, so several deployments or tests can share
    /// one database.
    public static func open(url: String, schema: String? = nil, logger: Logger) throws -> Database {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try postgres(url: url, searchPath: schema.map { [$0] }, logger: logger)
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        return try sqlite(path: path, logger: logger)
    }

    private init(kind: DatabaseKind, pool: Pool, postgres: SQLPostgresConfiguration?, logger: Logger) {
        self.kind = kind
        self.pool = pool
        self.changes = ChangeFeed(complete: kind == .sqlite)
        self.postgresConfiguration = postgres
        self.logger = logger
    }

    /// The logger the SQL drivers get: never below `info`, whatever the server's level. At `debug` SQLKit logs
    /// every bind value, and at `trace` postgres-nio logs each message it sends and receives, rows included;
    /// both would write password hashes, CSRF tokens and version keys into the logs.
    public static func driverLogger(_ logger: Logger) -> Logger {
        var capped = logger
        if capped.logLevel < .info { capped.logLevel = .info }
        return capped
    }

    /// Runs `body` on one connection, outside any transaction. On SQLite this is a read-only connection:
    /// writes go through ``transaction(_:)``, ``write(_:)`` or ``withWriter(_:)``.
    public func withConnection<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if let bound { return try await body(bound) }
        switch pool {
        case .sqlite(_, let readers):
            let connection = try await readers.requestConnection(logger: logger).get()
            defer { readers.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: nil))
        case .postgres:
            return try await withWriter(body)
        }
    }

    /// Runs `body` on the connection that may write, outside any transaction, without announcing a change:
    /// for bookkeeping no cache depends on (audit, sessions, counters) and for migrations.
    public func withWriter<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if let bound { return try await body(bound) }
        switch pool {
        case .sqlite(let writer, _):
            let connection = try await writer.requestConnection(logger: logger).get()
            defer { writer.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: nil))
        case .postgres(let pool):
            let connection = try await pool.requestConnection(logger: logger).get()
            defer { pool.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// Runs `body` in one transaction; any thrown error rolls back every change it made. A commit moves
    /// ``changes`` here and, on PostgreSQL, notifies the other nodes (a NOTIFY inside a transaction is
    /// delivered only if it commits).
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if let bound { return try await Self.savepoint(on: bound, body) }
        let begin = kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let notify = kind == .postgres, scope = changeScope
        let result = try await withWriter { db in
            try await db.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(db)
                if notify { try await db.raw("SELECT pg_notify(\(bind: ChangeFeed.channel), \(bind: scope))").run() }
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
        changes.bump()
        return result
    }

    /// A single-statement (autocommit) write that cached reads depend on: like ``transaction(_:)`` it moves
    /// ``changes`` and notifies the other nodes.
    public func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if let bound { return try await Self.savepoint(on: bound, body) }
        let notify = kind == .postgres, scope = changeScope
        let result = try await withWriter { db in
            let result = try await body(db)
            if notify { try await db.raw("SELECT pg_notify(\(bind: ChangeFeed.channel), \(bind: scope))").run() }
            return result
        }
        changes.bump()
        return result
    }

    /// The payload of this deployment's change notifications: its schema. Deployments (and tests) that share one
    /// PostgreSQL database in separate schemas share the channel, and each listener skips the others' changes.
    var changeScope: String { postgresConfiguration?.searchPath?.first ?? "public" }

    /// The connection of an ``atomically(_:)`` scope this task runs in, for this database.
    private var bound: (any SQLDatabase)? {
        guard let scope = Self.scope, scope.owner == ObjectIdentifier(self) else { return nil }
        return scope.connection
    }

    /// One ``atomically(_:)`` scope: the database it belongs to and the connection holding its transaction.
    public struct Scope: Sendable {
        let owner: ObjectIdentifier
        let connection: any SQLDatabase
    }

    /// Set for the tasks of an ``atomically(_:)`` body. Task-local, so child tasks share the transaction and no
    /// other request ever sees it.
    @TaskLocal public static var scope: Scope?

    /// Runs `body` in one transaction that every store call it makes joins, however many operations it chains.
    ///
    /// Services each open their own transaction (``transaction(_:)``) or write in one statement (``write(_:)``).
    /// Inside this scope those become savepoints on the scope's connection, and reads go to that connection too,
    /// so a whole document applied through the services commits or rolls back as one. A nested call joins the
    /// scope already open.
    ///
    /// Such bodies run one at a time in a deployment, on every node: on SQLite `BEGIN IMMEDIATE` already makes
    /// them wait for each other, and on PostgreSQL a transaction-level advisory lock does. So two applies of one
    /// document never both create a company the other has not committed yet: the second reads after the first.
    public func atomically<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) async throws -> R {
        if bound != nil { return try await body() }
        let lock = kind == .postgres ? Self.atomicLockKey(for: self) : nil
        do {
            return try await transaction { connection in
                if let lock { try await connection.raw("SELECT pg_advisory_xact_lock(\(literal: lock))").run() }
                return try await Self.$scope.withValue(Scope(owner: ObjectIdentifier(self), connection: connection)) { try await body() }
            }
        } catch {
            // Caches are bypassed inside the scope, but move the feed anyway: nothing read during a transaction
            // that never committed may outlive it.
            changes.bump()
            throw error
        }
    }

    /// The migration lock's schema hash under another prefix ("GAPP"): one lock per deployment, apart from
    /// migrations, so an apply never waits on a node starting up.
    static func atomicLockKey(for database: Database) -> Int64 {
        Int64(0x4741_5050) << 32 | (MigrationRunner.advisoryLockKey(for: database) & 0xFFFF_FFFF)
    }

    /// A nested transaction inside a scope: a failure undoes only its own statements, as a top-level transaction
    /// would, and leaves the scope's transaction usable (PostgreSQL aborts a transaction on any failed statement).
    private static func savepoint<R: Sendable>(on db: any SQLDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let name = "gh_\(RandomSavepoint.next())"
        try await db.raw(SQLQueryString("SAVEPOINT \(name)")).run()
        do {
            let result = try await body(db)
            try await db.raw(SQLQueryString("RELEASE SAVEPOINT \(name)")).run()
            return result
        } catch {
            try? await db.raw(SQLQueryString("ROLLBACK TO SAVEPOINT \(name)")).run()
            throw error
        }
    }

    /// Closes the pool. Safe to call more than once (the service group and a test may both call it).
    public func shutdown() async {
        let already = isShutDown.withLock { done in
            defer { done = true }
            return done
        }
        if already { return }
        switch pool {
        case .sqlite(let writer, let readers):
            try? await writer.close().get()
            try? await readers.shutdownAsync()
        case .postgres(let pool): try? await pool.shutdownAsync()
        }
    }
}

/// Opens SQLite connections with the pragmas Gatehouse relies on.
struct SQLiteSource: ConnectionPoolSource {
    let path: String
    /// Reader connections refuse writes, so a write sent down the read path fails loudly instead of racing
    /// the writer.
    let readOnly: Bool

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let promise = eventLoop.makePromise(of: SQLiteConnection.self)
        promise.completeWithTask {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: eventLoop)
            // The busy timeout first: switching to WAL takes a lock, and two processes opening a new file together
            // (two nodes starting) would otherwise get "database is locked" at once instead of waiting. Not longer
            // than 5 s: SQLiteNIO runs every connection on NIOThreadPool.singleton (one thread per core), so a
            // connection sleeping in the busy handler holds a pool thread, and 30 s starved every other query in
            // the process into connection-pool timeouts.
            let pragmas = readOnly
                ? ["PRAGMA busy_timeout = 5000", "PRAGMA query_only = ON"]
                : ["PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"]
            do {
                for pragma in pragmas {
                    // Switching a new file to WAL needs the write lock; another process opening it at the same
                    // moment holds it briefly. Wait for it here, without holding a pool thread in the busy handler.
                    var attempt = 0
                    while true {
                        do {
                            _ = try await connection.query(pragma)
                            break
                        } catch where SQLiteBusy.isBusy(error) && attempt < 100 {
                            attempt += 1
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
            } catch {
                // A connection must be closed before it is dropped (SQLiteNIO asserts it, and it holds a file handle).
                try? await connection.close()
                throw error
            }
            return connection
        }
        return promise.futureResult
    }
}

extension Database {
    /// Whether an error is the engine refusing a duplicate under a unique constraint (PostgreSQL SQLSTATE 23505,
    /// SQLite's "UNIQUE constraint failed"), so callers can answer 409 instead of 500.
    public func isUniqueViolation(_ error: any Error) -> Bool {
        switch kind {
        case .postgres:
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" { return true }
            return String(reflecting: error).contains("23505")
        case .sqlite:
            return String(describing: error).contains("UNIQUE constraint failed")
        }
    }
}

/// Savepoint names, unique within the process.
private enum RandomSavepoint {
    static let counter = Atomic<UInt64>(0)
    static func next() -> UInt64 { counter.wrappingAdd(1, ordering: .relaxed).newValue }
}
