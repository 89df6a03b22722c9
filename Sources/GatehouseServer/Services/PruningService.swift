import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import ServiceLifecycle

/// Deletes what can no longer matter (expired revocations and assertion ids, ended sessions, old rate
/// windows, and audit rows past `--audit-retention-days`) once at start-up and then every `interval`.
///
/// Every node runs it; the deletes are idempotent, so several nodes pruning one PostgreSQL database only
/// repeat each other's work.
struct PruningService<Store: MaintenanceStore>: Service {
    let store: Store
    let clock: any GatehouseCore.Clock
    let interval: Duration
    let sessionIdleTimeout: TimeInterval
    /// Days of audit to keep; 0 keeps everything.
    let auditRetentionDays: Int
    /// Days of permission-use counts to keep; 0 keeps everything.
    var usageRetentionDays = 0
    let logger: Logger

    func cutoffs() -> PruneCutoffs {
        let now = clock.now
        return PruneCutoffs(
            now: now, sessionsIdleBefore: now.addingTimeInterval(-sessionIdleTimeout),
            auditBefore: auditRetentionDays > 0 ? now.addingTimeInterval(-TimeInterval(auditRetentionDays) * 86_400) : nil,
            usageBefore: usageRetentionDays > 0 ? now.addingTimeInterval(-TimeInterval(usageRetentionDays) * 86_400) : nil
        )
    }

    /// One pass; failures are logged and the next pass tries again.
    @discardableResult
    func pruneOnce() async -> PruneReport? {
        do {
            let report = try await store.prune(cutoffs())
            if report.total > 0 {
                logger.info("pruned expired rows", metadata: [
                    "revoked_tokens": "\(report.revokedTokens)", "used_assertions": "\(report.usedAssertions)",
                    "sessions": "\(report.sessions)", "audit_entries": "\(report.auditEntries)", "rate_counters": "\(report.rateCounters)",
                    "permission_use": "\(report.permissionUse)",
                ])
            }
            return report
        } catch is CancellationError {
            return nil   // shutting down: nothing failed
        } catch {
            logger.warning("pruning failed; will retry", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return nil
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pruneOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
