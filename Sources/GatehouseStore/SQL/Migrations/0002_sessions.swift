extension Migrations {
    /// Web sessions for human users. Only a hash of the session id is stored, like every other credential.
    static let sessions = Migration(version: 2, name: "sessions") { _ in
        [
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_expiry ON sessions (expires_at)",
        ]
    }
}
