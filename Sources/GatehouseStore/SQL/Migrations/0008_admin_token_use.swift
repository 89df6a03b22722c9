extension Migrations {
    /// When each operator token was last used, so an operator can find and revoke the ones nobody uses.
    static let adminTokenUse = Migration(version: 8, name: "admin_token_use") { _ in
        ["ALTER TABLE admin_tokens ADD COLUMN last_used_at BIGINT"]
    }
}
