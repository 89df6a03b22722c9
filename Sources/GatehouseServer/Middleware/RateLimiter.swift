import Foundation
import GatehouseCore
import GatehouseStore
import Synchronization

/// Counts REST calls per client and company.
///
/// With SQLite (one node by construction) the counters live in memory: a write per request to the single
/// SQLite connection would serialise every REST call behind the counter.
///
/// With PostgreSQL several nodes spend one budget in the shared `rate_counters` table, but a round trip per
/// request would put the database on every REST call's path. So each node counts in memory and sends its
/// counts in one statement per batch, which also brings back every other node's flushed counts:
/// - a window's counts are sent once its view is older than `flushInterval` (100 ms), or once the node has
///   counted a *slice* of the limit (1/160 of it, at least one request) that the table has not seen;
/// - one batch is in flight per node at a time; a request that exhausts its slice while a batch is in flight
///   counts itself straight in the table instead;
/// - a request that sends a batch decides on the totals it brings back.
///
/// What a node has counted and not sent is therefore at most two slices per window (one in flight, one
/// counting), so `N` nodes can admit at most `2 · N · slice` requests past a limit before every node sees it:
/// `N × 1.25 %` of the limit, 5 % with 4 nodes (or `2 · N` requests when the limit is under 160).
/// `docs/decisions.md` has the derivation and `RateLimitBatchingTests` measures it.
final class RateLimiter: Sendable {
    let policy: RateLimitPolicy
    let flushInterval: Duration
    /// Nil means in-memory counting in `table`.
    private let shared: (any RateCounterStore)?
    private let table = Mutex<[Window: Int]>([:])
    private let batches = Mutex<Batches>(Batches())
    private let calls = Atomic<Int>(0)

    private struct Window: Hashable {
        let bucket: String
        let start: Int64
    }

    /// One window as this node sees it: `known` is the table's total when last read, `sending` is in the batch
    /// in flight, and `pending` has been counted here and not sent.
    private struct Counter {
        var known = 0
        var sending = 0
        var pending = 0
        var refreshed = ContinuousClock.Instant.now - .seconds(3600)
        let end: Int64
        let slice: Int
        var count: Int { known + sending + pending }
    }

    private struct Batches {
        var counters: [Window: Counter] = [:]
        var inFlight = false
    }

    private enum Plan {
        case decided([Int])
        case send([RateCount])
        case exact
    }

    init(policy: RateLimitPolicy, shared store: (any RateCounterStore)?, flushInterval: Duration = .milliseconds(100)) {
        self.policy = policy
        self.shared = store
        self.flushInterval = flushInterval
    }

    /// The largest number of requests a node counts for a window before the table must see them.
    static func slice(of limit: Int) -> Int { max(1, limit / 160) }

    func hit(clientID: String, companyID: Int64, now: Date) async throws -> RateLimitDecision {
        let base = "\(clientID):\(companyID)"
        let hour = policy.hourWindow(now), spike = policy.spikeWindowStart(now)
        let windows = [
            (window: Window(bucket: "h:\(base)", start: hour), end: hour + 3600, limit: policy.hourly),
            (window: Window(bucket: "s:\(base)", start: spike), end: spike + Int64(policy.spikeWindow), limit: policy.spike),
        ]
        // Prune ended windows now and then, not on every request.
        let prune = calls.wrappingAdd(1, ordering: .relaxed).oldValue % 500 == 0 ? hour - 3600 : nil
        let counts: [Int]
        if let store = shared {
            counts = try await count(windows, in: store, now: now.unixSeconds, pruneBefore: prune)
        } else {
            counts = table.withLock { table in
                if let prune { table = table.filter { $0.key.start >= prune } }
                return windows.map { entry in
                    table[entry.window, default: 0] += 1
                    return table[entry.window]!
                }
            }
        }
        return policy.decide(hourlyCount: counts[0], spikeCount: counts[1], now: now)
    }

    private func count(
        _ windows: [(window: Window, end: Int64, limit: Int)], in store: any RateCounterStore, now: Int64, pruneBefore: Int64?
    ) async throws -> [Int] {
        let clock = ContinuousClock.now
        let plan: Plan = batches.withLock { state in
            if pruneBefore != nil { state.counters = state.counters.filter { $0.value.end > now } }
            var stale = false, exhausted = false
            for entry in windows {
                var counter = state.counters[entry.window] ?? Counter(end: entry.end, slice: Self.slice(of: entry.limit))
                counter.pending += 1
                if clock - counter.refreshed >= flushInterval { stale = true }
                if counter.pending > counter.slice { exhausted = true }
                state.counters[entry.window] = counter
            }
            if (stale || exhausted) && !state.inFlight {
                state.inFlight = true
                var batch: [RateCount] = []
                for (window, var counter) in state.counters where counter.pending > 0 {
                    batch.append(RateCount(bucket: window.bucket, windowStart: window.start, amount: counter.pending))
                    counter.sending = counter.pending
                    counter.pending = 0
                    counter.refreshed = clock
                    state.counters[window] = counter
                }
                return .send(batch)
            }
            if exhausted {
                for entry in windows { state.counters[entry.window]?.pending -= 1 }
                return .exact
            }
            return .decided(windows.map { state.counters[$0.window]!.count })
        }
        switch plan {
        case .decided(let counts):
            return counts
        case .exact:
            let totals = try await store.add(windows.map { RateCount(bucket: $0.window.bucket, windowStart: $0.window.start) }, pruneBefore: nil)
            return batches.withLock { state in
                zip(windows, totals).map { entry, total in
                    guard var counter = state.counters[entry.window] else { return total }
                    counter.known = max(counter.known, total)
                    state.counters[entry.window] = counter
                    return max(total + counter.pending, counter.count)
                }
            }
        case .send(let batch):
            let totals: [Int]
            do {
                totals = try await store.add(batch, pruneBefore: pruneBefore)
            } catch {
                // Nothing reached the table: count the batch as unsent again.
                batches.withLock { state in
                    for count in batch {
                        let window = Window(bucket: count.bucket, start: count.windowStart)
                        state.counters[window]?.pending += count.amount
                        state.counters[window]?.sending = 0
                    }
                    state.inFlight = false
                }
                throw error
            }
            return batches.withLock { state in
                for (count, total) in zip(batch, totals) {
                    let window = Window(bucket: count.bucket, start: count.windowStart)
                    state.counters[window]?.known = total
                    state.counters[window]?.sending = 0
                }
                state.inFlight = false
                return windows.map { state.counters[$0.window]?.count ?? 1 }
            }
        }
    }
}
