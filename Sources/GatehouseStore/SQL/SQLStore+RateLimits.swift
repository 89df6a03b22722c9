import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: RateCounterStore {
    /// One multi-row upsert for all windows; `ON CONFLICT … DO UPDATE … RETURNING` is the same SQL on SQLite and
    /// PostgreSQL, and atomic on both, so concurrent nodes never lose a count. The windows must be distinct
    /// (PostgreSQL refuses to update one row twice in a statement).
    public func increment(_ windows: [(bucket: String, windowStart: Int64)], pruneBefore: Int64?) async throws -> [Int] {
        guard !windows.isEmpty else { return [] }
        guard Set(windows.map { "\($0.bucket)@\($0.windowStart)" }).count == windows.count else {
            throw StoreError(.invalid, "rate-limit windows must be distinct")
        }
        return try await database.withWriter { db in
            // All windows in one statement: one round trip per request, which matters on PostgreSQL.
            var query = SQLQueryString("INSERT INTO rate_counters (bucket, window_start, count) VALUES ")
            for (i, window) in windows.enumerated() {
                query.appendLiteral(i == 0 ? "(" : ", (")
                query.appendInterpolation(bind: window.bucket)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: window.windowStart)
                query.appendLiteral(", 1)")
            }
            query.appendLiteral(" ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + 1 RETURNING bucket, window_start, count")
            var byWindow: [String: Int] = [:]
            for row in try await db.raw(query).all() {
                byWindow["\(try row.string("bucket"))@\(try row.int("window_start"))"] = Int(try row.int("count"))
            }
            let counts = windows.map { byWindow["\($0.bucket)@\($0.windowStart)"] ?? 1 }
            if let pruneBefore {
                try await db.raw("DELETE FROM rate_counters WHERE window_start < \(bind: pruneBefore)").run()
            }
            return counts
        }
    }
}
