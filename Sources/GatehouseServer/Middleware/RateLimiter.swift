import Foundation
import GatehouseCore
import GatehouseStore
import Synchronization

/// Counts REST calls per client and company.
///
/// With PostgreSQL the counters live in the shared table, so several nodes spend one budget. With SQLite
/// (one node by construction) they live in memory: a write per request to the single SQLite connection would
/// serialise every REST call behind the counter.
final class RateLimiter: Sendable {
    let policy: RateLimitPolicy
    /// Nil means in-memory counting in `table`.
    private let shared: (any RateCounterStore)?
    private let table = Mutex<[Window: Int]>([:])

    private struct Window: Hashable {
        let bucket: String
        let start: Int64
    }
    private let calls = Atomic<Int>(0)

    init(policy: RateLimitPolicy, shared store: (any RateCounterStore)?) {
        self.policy = policy
        self.shared = store
    }

    func hit(clientID: String, companyID: Int64, now: Date) async throws -> RateLimitDecision {
        let base = "\(clientID):\(companyID)"
        let hour = policy.hourWindow(now), spike = policy.spikeWindowStart(now)
        let keys = [(bucket: "h:\(base)", windowStart: hour), (bucket: "s:\(base)", windowStart: spike)]
        let counts: [Int]
        // Prune windows older than the previous hour now and then, not on every request.
        let prune = calls.wrappingAdd(1, ordering: .relaxed).oldValue % 500 == 0 ? hour - 3600 : nil
        if let store = shared {
            counts = try await store.increment(keys, pruneBefore: prune)
        } else {
            counts = table.withLock { table in
                if let prune { table = table.filter { $0.key.start >= prune } }
                return keys.map { key in
                    let window = Window(bucket: key.bucket, start: key.windowStart)
                    table[window, default: 0] += 1
                    return table[window]!
                }
            }
        }
        return policy.decide(hourlyCount: counts[0], spikeCount: counts[1], now: now)
    }
}
