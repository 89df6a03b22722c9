import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: RateCounterStore {
    /// One multi-row upsert for all windows; `ON CONFLICT … DO UPDATE … RETURNING` is the same SQL on SQLite and
    /// PostgreSQL, and atomic on both, so concurrent nodes never lose a count. The windows must be distinct
    /// (PostgreSQL refuses to update one row twice in a statement).
    public func add(_ counts: [RateCount], pruneBefore: Int64?) async throws -> [Int] {
        guard !counts.isEmpty else { return [] }
        guard Set(counts.map { "\($0.bucket)@\($0.windowStart)" }).count == counts.count else {
            throw StoreError(.invalid, "rate-limit windows must be distinct")
        }
        guard counts.allSatisfy({ $0.amount > 0 }) else { throw StoreError(.invalid, "rate-limit amounts must be positive") }
        return try await database.withWriter { db in
            // All windows in one statement: one round trip per batch, which matters on PostgreSQL. The rows go in
            // one order on every node, so two nodes' batches lock them in the same order and cannot deadlock.
            let ordered = counts.sorted { ($0.bucket, $0.windowStart) < ($1.bucket, $1.windowStart) }
            var query = SQLQueryString("INSERT INTO rate_counters (bucket, window_start, count) VALUES ")
            for (i, count) in ordered.enumerated() {
                query.appendLiteral(i == 0 ? "(" : ", (")
                query.appendInterpolation(bind: count.bucket)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: count.windowStart)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: count.amount)
                query.appendLiteral(")")
            }
            query.appendLiteral(" ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + excluded.count RETURNING bucket, window_start, count")
            var byWindow: [String: Int] = [:]
            for row in try await db.raw(query).all() {
                byWindow["\(try row.string("bucket"))@\(try row.int("window_start"))"] = Int(try row.int("count"))
            }
            let totals = counts.map { byWindow["\($0.bucket)@\($0.windowStart)"] ?? $0.amount }
            if let pruneBefore {
                try await db.raw("DELETE FROM rate_counters WHERE window_start < \(bind: pruneBefore)").run()
            }
            return totals
        }
    }
}
