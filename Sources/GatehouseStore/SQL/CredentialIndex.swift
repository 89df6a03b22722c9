import Foundation
import GatehouseCore
import Synchronization

/// Every client's record, read in one query and kept in memory, so that issuing a token to a client not seen
/// lately costs a dictionary read instead of a database round trip through the reader pool.
///
/// Why it exists: a client asks for a token about once per token lifetime, so with many clients nearly every
/// issuance is its client's first in a while and misses any per-key cache. With 100,000 accounts that miss path
/// held issuance to 0.59× of the 10-account rate (`bench/RESULTS.md`, "100,000 accounts").
///
/// It is exactly as current as the ``ChangeFeed``. A snapshot answers only while the feed still shows the epoch
/// read *before* the snapshot's query began, and only while the feed is complete (on PostgreSQL: while this node
/// is subscribed to the other nodes' changes). Any committed change makes it stale; the next lookup then answers
/// ``Answer/unknown`` (the caller reads the database as before) and starts one reload in the background. A stale
/// snapshot is dropped at once, so at most one is held, plus the one being read.
///
/// Reloads are whole: one query for every client. An incremental one would need a change log per client row; a
/// full reload of 100,000 clients takes well under a second (`bench/RESULTS.md`) and runs at most once per
/// `spacing`, however many changes arrive, so a burst of admin writes costs a few reloads, not one per write.
final class CredentialIndex: Sendable {
    enum Answer: Sendable {
        /// The index is current and holds this client.
        case found(ClientRecord)
        /// The index is current and no client has this id: no database read is needed to say so.
        case absent
        /// The index cannot answer (not loaded yet, or stale): read the database.
        case unknown
    }

    private struct State {
        var records: [String: ClientRecord]?
        /// The feed's epoch before `records` were read.
        var epoch: UInt64 = 0
        var loading = false
        var lastLoadEnded: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let feed: ChangeFeed
    /// The least time between the end of one reload and the start of the next.
    private let spacing: Duration

    init(feed: ChangeFeed, spacing: Duration = .milliseconds(250)) {
        self.feed = feed
        self.spacing = spacing
    }

    /// How many clients the current snapshot holds (0 when there is none): for metrics and tests.
    var count: Int { state.withLock { $0.records?.count ?? 0 } }

    func lookup(_ clientID: String) -> Answer {
        let epoch = feed.current
        let complete = feed.isComplete
        return state.withLock { state in
            guard state.records != nil else { return .unknown }
            guard complete, state.epoch == epoch else {
                state.records = nil
                return .unknown
            }
            return state.records?[clientID].map(Answer.found) ?? .absent
        }
    }

    /// Claims the next reload when the index is stale, none is running and the last ended `spacing` ago; answers
    /// the epoch the reload must read under, or nil when there is nothing to do.
    func claimReload() -> UInt64? {
        let epoch = feed.current
        guard feed.isComplete else { return nil }
        return state.withLock { state in
            if state.loading || (state.records != nil && state.epoch == epoch) { return nil }
            if let last = state.lastLoadEnded, ContinuousClock.now - last < spacing { return nil }
            state.loading = true
            return epoch
        }
    }

    /// Ends a claimed reload; `records` is nil when it failed, and the next lookup claims another.
    func finishReload(epoch: UInt64, records: [String: ClientRecord]?) {
        state.withLock { state in
            state.loading = false
            state.lastLoadEnded = .now
            if let records {
                state.records = records
                state.epoch = epoch
            }
        }
    }

    /// Changes one client's record in place, for a write that deliberately does not move the feed (a re-hash,
    /// which changes no answer and so must not reload every node's index).
    func modify(_ clientID: String, _ body: (inout ClientRecord) -> Void) {
        state.withLock { state in
            guard state.records?[clientID] != nil else { return }
            body(&state.records![clientID]!)
        }
    }
}
