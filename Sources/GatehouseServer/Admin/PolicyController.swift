import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1`: the sunset policy, the marketplace, the migration report and `migrate`: doors to ``Policy``.
struct PolicyController<Store: CompanyStore & ServiceAccountStore & AppStore & DirectoryStore & MigrationStore & PersonStore & InstallationStore & AuditStore>: Sendable {
    let policy: Policy<Store>

    func addRoutes(operator group: RouterGroup<AdminRequestContext>, company: RouterGroup<CompanyRequestContext>) {
        group.get("policy", use: showPolicy)
        group.get("marketplace", use: marketplace)
        company.get("migration", use: report)
        company.post("service_accounts/:id/migrate", use: migrate)
    }

    @Sendable func showPolicy(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let f = ISO8601DateFormatter(), p = policy.policy
        return try JSONResponse.make([
            "deprecated_at": f.string(from: p.deprecatedAt),
            "creation_blocked_at": f.string(from: p.creationBlockedAt),
            "sunset_at": f.string(from: p.sunsetAt),
            "phase": policy.phase.rawValue,
        ])
    }

    @Sendable func marketplace(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await policy.marketplace().map(MarketplaceEntry.init), request, context)
    }

    @Sendable func report(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let rows = try await policy.migrationReport(for: context.company).map(MigrationRow.init)
        return try JSONResponse.make(MigrationReport(
            company_id: context.company.id, phase: policy.phase.rawValue,
            sunset_at: ISO8601DateFormatter().string(from: policy.policy.sunsetAt), accounts: rows
        ))
    }

    @Sendable func migrate(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("id", resource: "service account")
        return try JSONResponse.make(InstallationBody(try await policy.migrate(id, in: context.company, by: context.caller)), status: .created)
    }
}
