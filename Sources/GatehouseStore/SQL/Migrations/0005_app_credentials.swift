extension Migrations {
    /// What developer managed service accounts gain: owners and collaborators for apps, the permitted projects an
    /// uninstall keeps for a reinstall, and one active installation per app and company as a constraint (so two
    /// concurrent installs cannot both succeed).
    static let appCredentials = Migration(version: 5, name: "app_credentials") { _ in
        [
            "ALTER TABLE apps ADD COLUMN owner_id BIGINT REFERENCES people(id)",
            """
            CREATE TABLE app_collaborators (
                app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (app_id, person_id))
            """,
            "CREATE INDEX app_collaborators_person ON app_collaborators (person_id)",
            "ALTER TABLE installations ADD COLUMN retained_project_ids TEXT",
            "CREATE UNIQUE INDEX installations_one_active ON installations (app_id, company_id) WHERE is_active = TRUE",
        ]
    }
}
