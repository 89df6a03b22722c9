extension Migrations {
    /// Collaborators are invited by email and join when they accept. The invitation is kept whether or not the email
    /// has an account, so adding one answers alike either way and reveals no account across tenants.
    static let appInvitations = Migration(version: 10, name: "app_invitations") { _ in
        [
            """
            CREATE TABLE app_invitations (
                app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                email TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (app_id, email))
            """,
            "CREATE INDEX app_invitations_email ON app_invitations (email)",
        ]
    }
}
