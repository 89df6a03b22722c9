import Foundation
import GatehouseCore
import Logging
import SQLKit

/// The one SQL implementation of every repository protocol, shared by SQLite and PostgreSQL.
///
/// Queries use portable SQL with SQLKit binds; the only engine-specific text lives in migrations and
/// in ``Database``.
public struct SQLStore: Sendable, AtomicStore {
    public let database: Database
    /// The one source of "now" for every row this store stamps, so tests that move time see consistent rows.
    public let clock: any GatehouseCore.Clock
    /// The reads on every REST call's path: client state, the caller's access, revocations, app
    /// installations, and the company, project and person a call reads. Invalidated by any committed change
    /// (see ``ChangeFeed``); misses are not kept.
    let caches: Caches
    /// Audit rows are written in shared commits (see ``GroupCommit``); 200 rows keep a batch's binds far
    /// below both engines' limits.
    let auditCommits: GroupCommit<AuditEntry>
    let indexReloaded: (@Sendable (_ clients: Int, _ took: Duration) -> Void)?

    struct Caches: Sendable {
        /// Every client, preloaded; ``clients`` serves while it cannot answer.
        let credentials: CredentialIndex
        let clients: ReadCache<String, ClientRecord?>
        let access: ReadCache<AccessKey, Access>
        let revoked: ReadCache<String, Bool>
        let installations: ReadCache<AccessKey, Installation?>
        let appsByClient: ReadCache<Int64, App?>
        let companies: ReadCache<Int64, Company?>
        let projects: ReadCache<Int64, Project?>
        let people: ReadCache<Int64, Person?>
        let projectPages: ReadCache<PageKey, ProjectPage>

        init(feed: ChangeFeed, ttl: Duration, entries: Int) {
            credentials = CredentialIndex(feed: feed)
            clients = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            access = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            revoked = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            installations = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            appsByClient = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            companies = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            projects = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            people = ReadCache(feed: feed, ttl: ttl, capacity: entries)
            // Pages are bigger than single rows and far fewer are worth keeping.
            projectPages = ReadCache(feed: feed, ttl: ttl, capacity: max(1, entries / 100))
        }
    }

    struct PageKey: Hashable, Sendable {
        let companyID: Int64
        let limit: Int
        let offset: Int
        let activeOnly: Bool
    }

    struct ProjectPage: Sendable {
        let items: [Project]
        let total: Int
    }

    struct AccessKey: Hashable, Sendable {
        let a: Int64
        let b: Int64
    }

    /// `cacheTTL` bounds how long a read may be served after another node changed it, should its
    /// notification be lost; on one node, or with notifications flowing, changes are seen at once.
    /// `indexReloaded` hears each reload of the credential index (how many clients, how long it took), for metrics.
    public init(
        database: Database, clock: any GatehouseCore.Clock = SystemClock(), cacheTTL: Duration = .seconds(1), cacheEntries: Int = 200_000,
        indexReloaded: (@Sendable (_ clients: Int, _ took: Duration) -> Void)? = nil
    ) {
        self.database = database
        self.clock = clock
        self.caches = Caches(feed: database.changes, ttl: cacheTTL, entries: cacheEntries)
        self.indexReloaded = indexReloaded
        self.auditCommits = GroupCommit(maxBatch: 200) { entries in try await SQLStore.insert(entries, into: database) }
    }

    /// See ``Database/atomically(_:)``.
    public func atomically<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) async throws -> R {
        try await database.atomically(body)
    }

    /// Applies pending migrations; see ``MigrationRunner``.
    public func migrate(logger: Logger) async throws {
        try await MigrationRunner(clock: clock).run(on: database, logger: logger)
    }
}

extension SQLRow {
    func date(_ column: String) throws -> Date { Date(unixSeconds: try decode(column: column, as: Int64.self)) }
    func optionalDate(_ column: String) throws -> Date? { try decode(column: column, as: Int64?.self).map(Date.init(unixSeconds:)) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
}

extension SQLDatabase {
    /// Runs an INSERT … RETURNING id and gives back the id; both engines support RETURNING.
    func insertReturningID(_ query: SQLQueryString) async throws -> Int64 {
        guard let row = try await raw(query).first() else {
            throw StoreError(.invalid, "insert returned no id")
        }
        return try row.int("id")
    }
}
