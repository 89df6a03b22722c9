import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/admin_tokens`: the doors to ``OperatorTokens``, for operators only.
struct OperatorTokensController<Store: AdminTokenStore & AuditStore>: Sendable {
    let tokens: OperatorTokens<Store>

    func addRoutes(operator group: RouterGroup<AdminRequestContext>) {
        group.get("admin_tokens", use: list)
        group.delete("admin_tokens/:id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await tokens.list().map(AdminTokenBody.init), request, context)
    }

    @Sendable func revoke(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try await tokens.revoke(try context.parameters.id("id", resource: "operator token"), by: context.caller)
        return Response(status: .noContent)
    }
}

/// Every key, `null` included.
struct AdminTokenBody: Encodable {
    let id: Int64
    let name: String
    let created_at: String
    @Nullable var last_used_at: String?

    init(_ t: AdminTokenInfo) {
        id = t.id; name = t.name; created_at = t.createdAt.iso8601; last_used_at = t.lastUsedAt?.iso8601
    }
}
