extension Migrations {
    /// Shared rate-limit counters, one row per key and fixed window, so every node counts against one budget.
    static let rateLimits = Migration(version: 3, name: "rate_limits") { _ in
        [
            """
            CREATE TABLE rate_counters (
                bucket TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (bucket, window_start))
            """,
            "CREATE INDEX rate_counters_window ON rate_counters (window_start)",
        ]
    }
}
