import Foundation
import GatehouseCore
import GatehouseStore

/// Operator tokens (`gatehouse admin-token create`): creation, listing and revocation, for the admin API and the
/// CLI alike. Creation and revocation both leave an audit row.
struct OperatorTokens<Store: AdminTokenStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>

    /// A new token, shown once: only its keyed hash is stored.
    func create(name: String, hasher: SecretHasher, at now: Date, by caller: Caller) async throws -> ClientSecret {
        let token = ClientSecret.generate()
        let id = try await store.createAdminToken(name: name, hash: hasher.hash(token), at: now)
        await auditor.record("admin_token.create", by: caller, target: "admin_token:\(id)", detail: name)
        return token
    }

    func list() async throws -> [AdminTokenInfo] { try await store.adminTokens() }

    /// Takes effect on the token's next use: operator tokens are looked up on every call, never cached.
    func revoke(_ id: Int64, by caller: Caller) async throws {
        guard try await store.revokeAdminToken(id: id) else { throw DomainError.notFound("operator token") }
        await auditor.record("admin_token.revoke", by: caller, target: "admin_token:\(id)")
    }
}
