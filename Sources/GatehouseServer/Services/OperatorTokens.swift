import Foundation
import GatehouseCore
import GatehouseStore

/// Operator tokens (`gatehouse admin-token create`): listing and revocation, for the admin API and the CLI alike.
struct OperatorTokens<Store: AdminTokenStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>

    func list() async throws -> [AdminTokenInfo] { try await store.adminTokens() }

    /// Takes effect on the token's next use: operator tokens are looked up on every call, never cached.
    func revoke(_ id: Int64, by caller: Caller) async throws {
        guard try await store.revokeAdminToken(id: id) else { throw DomainError.notFound("operator token") }
        await auditor.record("admin_token.revoke", by: caller, target: "admin_token:\(id)")
    }
}
