extension Migrations {
    /// "At most two active secrets" as a constraint rather than a read-then-write check: each secret holds one
    /// of two slots per client, and a unique index refuses a third, so two rotations racing on PostgreSQL
    /// cannot both succeed. Existing rows are numbered first (newest secret in slot 1); a client left with
    /// more than two rows by an earlier race keeps its two newest.
    static let secretSlots = Migration(version: 7, name: "secret_slots") { _ in
        [
            "ALTER TABLE client_secrets ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0 CHECK (slot IN (0, 1))",
            """
            DELETE FROM client_secrets WHERE id IN (
                SELECT s.id FROM client_secrets s
                WHERE (SELECT COUNT(*) FROM client_secrets n WHERE n.client_pk = s.client_pk AND n.id > s.id) >= 2)
            """,
            """
            UPDATE client_secrets SET slot = 1 WHERE id IN (
                SELECT MAX(id) FROM client_secrets GROUP BY client_pk HAVING COUNT(*) > 1)
            """,
            "CREATE UNIQUE INDEX client_secrets_slot ON client_secrets (client_pk, slot)",
            "CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at)",
            "CREATE INDEX used_assertions_expiry ON used_assertions (expires_at)",
        ]
    }
}
