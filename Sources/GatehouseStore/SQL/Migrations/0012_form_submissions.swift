extension Migrations {
    /// One submit, one effect: each rendered console form carries a one-time token, and the first post of it claims
    /// this row (by the SHA-256 of token, session and action). A repeated post finds the row and is sent where the
    /// first one led (`location`), instead of doing it again. Rows older than a day are pruned.
    static let formSubmissions = Migration(version: 12, name: "form_submissions") { _ in
        [
            """
            CREATE TABLE form_submissions (
                form_key TEXT PRIMARY KEY,
                location TEXT,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX form_submissions_created ON form_submissions (created_at)",
        ]
    }
}
