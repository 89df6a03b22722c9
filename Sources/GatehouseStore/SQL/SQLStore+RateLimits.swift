import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: RateCounterStore {
    /// One upsert per window; `ON CONFLICT … DO UPDATE … RETURNING` is the same SQL on SQLite and PostgreSQL,
    /// and atomic on both, so concurrent nodes never lose a count.
    public func increment(_ windows: [(bucket: String, windowStart: Int64)], pruneBefore: Int64?) async throws -> [Int] {
        try await database.withWriter { db in
            var counts: [Int] = []
            for window in windows {
                let row = try await db.raw("""
                    INSERT INTO rate_counters (bucket, window_start, count) VALUES (\(bind: window.bucket), \(bind: window.windowStart), 1)
                    ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + 1
                    RETURNING count
                    """).first()
                counts.append(Int(try row?.int("count") ?? 1))
            }
            if let pruneBefore {
                try await db.raw("DELETE FROM rate_counters WHERE window_start < \(bind: pruneBefore)").run()
            }
            return counts
        }
    }
}
