extension Migrations {
    /// Least privilege from real use: per contact, company, project (0 at company level), tool, needed level and
    /// day, how many allowed REST calls relied on that grant and when the last did. Nodes add their counts with an
    /// upsert, so counts from every node add up. No foreign keys: rows outlive nothing they point to for long
    /// (retention prunes them), and the hot upsert stays one index write.
    static let permissionUse = Migration(version: 11, name: "permission_use") { _ in
        [
            """
            CREATE TABLE permission_use (
                person_id BIGINT NOT NULL,
                company_id BIGINT NOT NULL,
                project_id BIGINT NOT NULL,
                tool TEXT NOT NULL,
                level TEXT NOT NULL,
                day BIGINT NOT NULL,
                calls BIGINT NOT NULL,
                last_used_at BIGINT NOT NULL,
                PRIMARY KEY (person_id, company_id, project_id, tool, level, day))
            """,
            "CREATE INDEX permission_use_day ON permission_use (day)",
        ]
    }
}
