import Foundation
import GatehouseCore
import GatehouseStore
import Synchronization

/// Brute-force limits on every place a secret is checked: the token endpoint, `/login` and the admin bearer
/// check (RFC 6749 §2.3.1 asks the token endpoint for exactly this).
///
/// A success pays one in-memory lookup: whether the caller's keys are blocked. Failures are counted in the
/// shared `rate_counters` table on PostgreSQL, so every node spends one budget, and in memory on SQLite. A node
/// blocks a key once a failure it records shows the key over its limit; another node learns it on its own next
/// failure for that key, so a cluster of N nodes allows at most N-1 extra attempts past a limit.
///
/// Failures count per door (``Door``): a client failing at the token endpoint never blocks `/login` or the admin
/// API from its address, and the reverse.
final class FailureLimiter: Sendable {
    /// Where a secret is checked. Each door keeps its own counters.
    enum Door: String, Sendable {
        /// The OAuth endpoints (token, introspect, revoke): client secrets and assertions.
        case oauth
        /// The console's `/login`: passwords people choose.
        case login
        /// The admin API's operator token.
        case admin
    }

    let policy: FailurePolicy
    let clock: any GatehouseCore.Clock
    private let shared: (any RateCounterStore)?
    private let counts = Mutex<[String: (window: Int64, count: Int)]>([:])
    private let blocked = Mutex<[String: Date]>([:])
    /// Bounds both maps: past this, entries of finished windows and ended blocks are dropped.
    private static let capacity = 50_000

    init(policy: FailurePolicy, clock: any GatehouseCore.Clock, shared: (any RateCounterStore)?) {
        self.policy = policy
        self.clock = clock
        self.shared = shared
    }

    /// The keys a failure counts against, in this door. Credentials are cut to 128 bytes, so hostile input cannot
    /// grow them.
    private func keys(_ door: Door, credential: String?, address: String?, addressToo: Bool = true) -> [(key: String, limit: Int)] {
        let address = address ?? "unknown"
        var keys: [(key: String, limit: Int)] = addressToo ? [(key: "bf:\(door.rawValue):addr:\(address)", limit: policy.perAddress)] : []
        if let credential {
            keys.append((key: "bf:\(door.rawValue):cred:\(String(credential.utf8.prefix(128)) ?? "")@\(address)", limit: policy.perCredential))
        }
        return keys
    }

    /// Seconds the caller must wait, or nil to go ahead. `addressToo: false` asks about the credential alone: the
    /// OAuth door checks a blocked address only after a failure (see ``OAuthController``).
    func retryAfter(_ door: Door, credential: String?, address: String?, addressToo: Bool = true) -> Int? {
        let now = clock.now
        let waits = blocked.withLock { blocked in
            keys(door, credential: credential, address: address, addressToo: addressToo)
                .compactMap { blocked[$0.key].map { $0.timeIntervalSince(now) } }.filter { $0 > 0 }
        }
        return waits.max().map { Int($0.rounded(.up)) }
    }

    /// Counts one failure against the caller's keys in this door and blocks those past their limit.
    func recordFailure(_ door: Door, credential: String?, address: String?) async {
        let now = clock.now
        let window = policy.windowStart(now.unixSeconds)
        let keys = keys(door, credential: credential, address: address)
        let totals: [Int]
        if let shared, let counted = try? await shared.increment(keys.map { (bucket: $0.key, windowStart: window) }, pruneBefore: nil) {
            totals = counted
        } else {
            totals = counts.withLock { counts in
                if counts.count > Self.capacity { counts = counts.filter { $0.value.window == window } }
                return keys.map { key in
                    let current = counts[key.key].flatMap { $0.window == window ? $0.count : nil } ?? 0
                    counts[key.key] = (window, current + 1)
                    return current + 1
                }
            }
        }
        blocked.withLock { blocked in
            if blocked.count > Self.capacity { blocked = blocked.filter { $0.value > now } }
            for (key, total) in zip(keys, totals) {
                if let delay = policy.delay(failures: total, limit: key.limit) { blocked[key.key] = now.addingTimeInterval(TimeInterval(delay)) }
            }
        }
    }
}
