import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import ServiceLifecycle
import Synchronization

/// Counts, in memory, which grant each allowed REST call relied on (``AccessPolicy/grantUsed(access:project:requirement:)``),
/// per contact, company, scope, tool, level and UTC day. ``UsageFlushService`` writes the counts in one upsert at
/// least every 10 s and at graceful shutdown, so a crash loses at most those seconds and a request only touches a
/// dictionary under a lock. Every node counts its own calls; the upsert adds them up in the shared database.
public final class UsageRecorder: Sendable {
    private struct Key: Hashable {
        let personID: Int64
        let companyID: Int64
        let projectID: Int64?
        let tool: String
        let level: PermissionLevel
        let day: Int64
    }

    private struct Count {
        var calls: Int64
        var last: Int64
    }

    private let counts = Mutex<[Key: Count]>([:])

    public init() {}

    /// Counts one allowed call. Cheap: one hash and one dictionary write under the lock.
    func record(_ use: PermissionUse, personID: Int64, companyID: Int64, at time: Date) {
        let seconds = time.unixSeconds
        let key = Key(personID: personID, companyID: companyID, projectID: use.projectID, tool: use.tool.key, level: use.level, day: seconds / 86_400)
        counts.withLock { counts in
            if var count = counts[key] {
                count.calls &+= 1
                count.last = max(count.last, seconds)
                counts[key] = count
            } else {
                counts[key] = Count(calls: 1, last: seconds)
            }
        }
    }

    /// Takes every count recorded so far, leaving the recorder empty.
    func drain() -> [PermissionUseCount] {
        let taken = counts.withLock { counts -> [Key: Count] in
            defer { counts.removeAll(keepingCapacity: true) }
            return counts
        }
        return taken.map { key, count in
            PermissionUseCount(personID: key.personID, companyID: key.companyID, projectID: key.projectID, tool: key.tool, level: key.level,
                               day: key.day, calls: count.calls, lastUsedAt: count.last)
        }
    }

    /// Puts counts back after a failed write, adding to what arrived meanwhile, so the next flush retries them.
    func restore(_ rows: [PermissionUseCount]) {
        counts.withLock { counts in
            for row in rows {
                let key = Key(personID: row.personID, companyID: row.companyID, projectID: row.projectID, tool: row.tool, level: row.level, day: row.day)
                var count = counts[key] ?? Count(calls: 0, last: row.lastUsedAt)
                count.calls &+= row.calls
                count.last = max(count.last, row.lastUsedAt)
                counts[key] = count
            }
        }
    }

    /// Writes everything counted so far; on failure the counts stay for the next try.
    public func flush(to store: some UsageStore) async throws {
        let rows = drain()
        guard !rows.isEmpty else { return }
        do {
            try await store.addPermissionUse(rows)
        } catch {
            restore(rows)
            throw error
        }
    }
}

/// Writes the recorder's counts every `interval`, and once more at graceful shutdown after the listener has closed.
struct UsageFlushService<Store: UsageStore>: Service {
    let recorder: UsageRecorder
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while true {
                // A cancelled sleep is the shutdown: the flush below writes, not one in a cancelled task, which
                // would fail with `CancellationError` and log a warning on every stop.
                guard (try? await Task.sleep(for: interval)) != nil else { break }
                await flush()
            }
        }
        // After the server has stopped taking requests: the last calls' counts. In its own task, which does not
        // inherit a cancellation of the whole group (a test's teardown, a second signal), so the write still runs.
        await Task { await flush() }.value
    }

    private func flush() async {
        do {
            try await recorder.flush(to: store)
        } catch {
            logger.warning("permission-use counts not written; will retry", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
