import Foundation
import Logging
import PostgresKit
import Synchronization

/// A counter that moves whenever stored data changes, here or (through PostgreSQL `LISTEN/NOTIFY`) on
/// another node. Caches tag entries with the value they saw before reading and drop entries whose tag is
/// stale, so a committed change is visible to the very next read on this node.
public final class ChangeFeed: Sendable {
    /// The PostgreSQL channel every node notifies and listens on.
    public static let channel = "gatehouse_changes"

    private let epoch = Atomic<UInt64>(0)

    public init() {}

    public var current: UInt64 { epoch.load(ordering: .acquiring) }

    public func bump() { epoch.wrappingAdd(1, ordering: .releasing) }
}

/// A small read-through cache whose entries die on any change and after `ttl` at most.
///
/// The TTL bounds staleness across nodes even if a notification is lost (a listener reconnecting, say):
/// one second, the bound the spec gives for a revoke on one node to hold on every node.
public final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let epoch: UInt64
        let storedAt: ContinuousClock.Instant
        let value: Value
    }

    /// Holds at most `capacity` entries and sheds the least recently used half when full.
    private let entries: Mutex<GenerationalMap<Key, Entry>>
    private let feed: ChangeFeed
    private let ttl: Duration

    public init(feed: ChangeFeed, ttl: Duration = .seconds(1), capacity: Int = 10_000) {
        self.feed = feed
        self.ttl = ttl
        self.entries = Mutex(GenerationalMap(capacity: max(1, capacity / 2)))
    }

    /// Returns the cached value, or loads it. The epoch is read *before* loading, so a change that commits
    /// during the load leaves the entry already stale.
    ///
    /// `keep` decides whether a loaded value is worth an entry: a miss for a key that anyone on the internet
    /// can invent (an unknown `client_id`) is not, or a flood of made-up keys would evict the real ones.
    public func value(for key: Key, keep: (Value) -> Bool = { _ in true }, load: () async throws -> Value) async throws -> Value {
        let epoch = feed.current
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0.get(key) }), cached.epoch == epoch, now - cached.storedAt < ttl {
            return cached.value
        }
        let value = try await load()
        guard keep(value) else { return value }
        entries.withLock { $0.set(Entry(epoch: epoch, storedAt: now, value: value), for: key) }
        return value
    }
}

extension Database {
    /// Listens for other nodes' changes until cancelled, reconnecting after errors. Each notification (and
    /// each reconnect, since notifications may have been missed meanwhile) moves the feed.
    public func listenForChanges(logger: Logger) async {
        guard kind == .postgres, let configuration = postgresConfiguration else { return }
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: Database.driverLogger(logger))
                changes.bump()
                attempt = 0
                do {
                    try await connection.listen(on: ChangeFeed.channel) { notifications in
                        for try await _ in notifications { self.changes.bump() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { break }
                attempt += 1
                logger.warning("change listener lost its connection; caches fall back to their 1 s TTL", metadata: ["attempt": "\(attempt)"])
                try? await Task.sleep(for: .seconds(min(attempt, 5)))
            }
        }
    }
}
