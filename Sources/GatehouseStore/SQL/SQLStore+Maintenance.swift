import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: MaintenanceStore {
    /// Rows deleted per statement. Small batches keep each write short, so a pass over a year of audit rows
    /// never holds SQLite's single writer long enough for token issuance to notice.
    static let pruneBatch = 2_000

    public func prune(_ cutoffs: PruneCutoffs) async throws -> PruneReport {
        let now = cutoffs.now.unixSeconds
        var report = PruneReport()
        report.revokedTokens = try await deleteInBatches(table: "revoked_tokens", key: "jti", where: "expires_at < \(bind: now)")
        report.usedAssertions = try await deleteInBatches(table: "used_assertions", key: "jti", where: "expires_at < \(bind: now)")
        report.sessions = try await deleteInBatches(
            table: "sessions", key: "id_hash",
            where: "expires_at <= \(bind: now) OR last_seen_at < \(bind: cutoffs.sessionsIdleBefore.unixSeconds)"
        )
        if let auditBefore = cutoffs.auditBefore {
            report.auditEntries = try await deleteInBatches(table: "audit_log", key: "id", where: "at < \(bind: auditBefore.unixSeconds)")
        }
        if let usageBefore = cutoffs.usageBefore {
            let day = usageBefore.unixSeconds / 86_400
            report.permissionUse = try await deleteInBatches(table: "permission_use", key: "day", where: "day < \(bind: day)")
        }
        // A form is posted twice within seconds, not days.
        report.formSubmissions = try await deleteInBatches(table: "form_submissions", key: "form_key", where: "created_at < \(bind: now - 86_400)")
        // Rate and failure windows are an hour at most; a day-old window can count nothing any more.
        report.rateCounters = try await deleteInBatches(table: "rate_counters", key: "bucket", where: "window_start < \(bind: now - 86_400)")
        return report
    }

    /// Deletes matching rows a batch at a time and returns how many went. The condition is repeated outside
    /// the batch because `key` need not be unique (a rate bucket has a row per window). None of these tables feeds a cache,
    /// so no change is announced.
    private func deleteInBatches(table: String, key: String, where condition: SQLQueryString) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await database.withWriter { db in
                try await db.raw("""
                    DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) IN (
                        SELECT \(unsafeRaw: key) FROM \(unsafeRaw: table) WHERE \(condition) LIMIT \(literal: Self.pruneBatch))
                      AND (\(condition))
                    RETURNING 1 AS gone
                    """).all().count
            }
            total += deleted
            if deleted < Self.pruneBatch { return total }
        }
    }
}
