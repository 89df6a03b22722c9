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
    private let hearing = Atomic<Bool>(false)

    /// `complete` says whether every change reaches this feed as it commits: true for SQLite (one process owns
    /// the file), false for PostgreSQL until the node's listener is subscribed (see ``isComplete``).
    public init(complete: Bool = true) {
        hearing.store(complete, ordering: .releasing)
    }

    public var current: UInt64 { epoch.load(ordering: .acquiring) }

    public func bump() { epoch.wrappingAdd(1, ordering: .releasing) }

    /// Whether this feed hears every change, other nodes' included. While a PostgreSQL node's listener is down,
    /// another node's change would not move the feed: readers that trust the feed alone (the credential index)
    /// must then not answer, while TTL-bounded caches still may.
    public var isComplete: Bool { hearing.load(ordering: .acquiring) }

    /// Called by the listener: subscribed (every later change will be heard) or lost. Either moves the feed,
    /// since changes may have been missed in between.
    func setComplete(_ complete: Bool) {
        hearing.store(complete, ordering: .releasing)
        bump()
    }
}

/// A small read-through cache whose entries die on any change and after `ttl` at most.
///
/// The TTL bounds staleness across nodes even if a notification is lost (a listener reconnecting, say):
/// one second, the bound the spec gives for a revoke on one node to hold on every node.
///
/// Concurrent misses for one key share a single load. Without that, every entry expiring at its TTL sent
/// each of the requests in flight for it (128 in the bench) to the database at once, and the queue behind the
/// pool was the p99 of every REST call.
public final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let epoch: UInt64
        let storedAt: ContinuousClock.Instant
        let value: Value
    }

    /// A load in progress: the epoch it started in and the readers waiting for it.
    private struct Load {
        /// Only the reader that started a load finishes it.
        let id: UInt64
        let epoch: UInt64
        var waiters: [CheckedContinuation<Outcome, any Error>] = []
    }

    private enum Outcome: Sendable {
        case value(Value)
        /// Load it yourself; `owns` names the `Load` to finish, if this reader started one.
        case loadIt(owns: UInt64?)
    }

    private struct State {
        /// Holds at most `capacity` entries and sheds the least recently used half when full.
        var entries: GenerationalMap<Key, Entry>
        var loads: [Key: Load] = [:]
        var nextLoad: UInt64 = 0
    }

    private let state: Mutex<State>
    private let feed: ChangeFeed
    private let ttl: Duration

    public init(feed: ChangeFeed, ttl: Duration = .seconds(1), capacity: Int = 10_000) {
        self.feed = feed
        self.ttl = ttl
        self.state = Mutex(State(entries: GenerationalMap(capacity: max(1, capacity / 2))))
    }

    /// Returns the cached value, or loads it. The epoch is read *before* loading, so a change that commits
    /// during the load leaves the entry already stale; a reader joins a load in progress only if no change
    /// has committed since it started, so a committed change is still seen by the very next read.
    ///
    /// `keep` decides whether a loaded value is worth an entry: a miss for a key that anyone on the internet
    /// can invent (an unknown `client_id`) is not, or a flood of made-up keys would evict the real ones.
    public func value(for key: Key, keep: (Value) -> Bool = { _ in true }, load: () async throws -> Value) async throws -> Value {
        // Inside an uncommitted transaction (``Database/atomically(_:)``): read it, and share nothing with others.
        if Database.scope != nil { return try await load() }
        let epoch = feed.current
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.entries.get(key) }), cached.epoch == epoch, now - cached.storedAt < ttl {
            return cached.value
        }
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            state.withLock { state in
                if let cached = state.entries.get(key), cached.epoch == epoch, now - cached.storedAt < ttl {
                    continuation.resume(returning: .value(cached.value))
                } else if state.loads[key]?.epoch == epoch {
                    state.loads[key]!.waiters.append(continuation)
                } else {
                    // An older epoch's load (if any) keeps its waiters; this reader loads for the newer epoch.
                    var owns: UInt64?
                    if state.loads[key] == nil {
                        state.nextLoad &+= 1
                        state.loads[key] = Load(id: state.nextLoad, epoch: epoch)
                        owns = state.nextLoad
                    }
                    continuation.resume(returning: .loadIt(owns: owns))
                }
            }
        }
        let owns: UInt64?
        switch outcome {
        case .value(let value): return value
        case .loadIt(let id): owns = id
        }
        let result: Result<Value, any Error>
        do { result = .success(try await load()) } catch { result = .failure(error) }
        let waiters: [CheckedContinuation<Outcome, any Error>] = state.withLock { state in
            // A slow load from an older epoch must not replace what a newer one stored.
            if case .success(let value) = result, keep(value), (state.entries.get(key)?.epoch ?? 0) <= epoch {
                state.entries.set(Entry(epoch: epoch, storedAt: now, value: value), for: key)
            }
            guard let owns, state.loads[key]?.id == owns else { return [] }
            return state.loads.removeValue(forKey: key)?.waiters ?? []
        }
        for waiter in waiters {
            switch result {
            case .success(let value): waiter.resume(returning: .value(value))
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
        return try result.get()
    }

    /// Forgets one entry, for a change made on this node that no other node needs to hear about.
    public func remove(_ key: Key) {
        state.withLock { $0.entries.remove(key) }
    }
}

extension Database {
    /// Listens for other nodes' changes until cancelled, reconnecting after errors. Each notification (and
    /// each reconnect, since notifications may have been missed meanwhile) moves the feed.
    public func listenForChanges(logger: Logger) async {
        guard kind == .postgres, let configuration = postgresConfiguration else { return }
        let scope = changeScope
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: Database.driverLogger(logger))
                attempt = 0
                do {
                    try await connection.listen(on: ChangeFeed.channel) { notifications in
                        // LISTEN has run: from here on every other node's commit reaches this feed.
                        self.changes.setComplete(true)
                        // An empty payload comes from a node older than the schema payload: always heard.
                        for try await notification in notifications where notification.payload.isEmpty || notification.payload == scope {
                            self.changes.bump()
                        }
                    }
                } catch {
                    changes.setComplete(false)
                    try? await connection.close()
                    throw error
                }
                changes.setComplete(false)
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
