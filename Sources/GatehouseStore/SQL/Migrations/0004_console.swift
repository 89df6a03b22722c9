extension Migrations {
    /// What the web console needs: idle session expiry (`last_seen_at`), and the company an audit entry
    /// belongs to, so a company admin reads their own company's log and no one else's.
    static let console = Migration(version: 4, name: "console") { _ in
        [
            "ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX sessions_person ON sessions (person_id)",
            "ALTER TABLE audit_log ADD COLUMN company_id BIGINT",
            "CREATE INDEX audit_log_company ON audit_log (company_id, id)",
        ]
    }
}
