import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// The sunset policy for traditional accounts, the marketplace listing it drives, and migration to DMSA.
struct SunsetController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    let configuration: GatehouseConfiguration

    var policy: SunsetPolicy { configuration.sunsetPolicy }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("policy", use: showPolicy)
        group.get("marketplace", use: marketplace)
        group.get("companies/:cid/migration", use: report)
        group.post("companies/:cid/service_accounts/:id/migrate", use: migrate)
    }

    @Sendable func showPolicy(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = ISO8601DateFormatter()
        return try JSONResponse.make([
            "deprecated_at": f.string(from: policy.deprecatedAt),
            "creation_blocked_at": f.string(from: policy.creationBlockedAt),
            "sunset_at": f.string(from: policy.sunsetAt),
            "phase": policy.phase(at: configuration.clock.now).rawValue,
        ])
    }

    /// The newest DMSA version of an app: promoted versions first, then by semantic version.
    func latestDMSAVersion(appID: Int64) async throws -> AppVersion? {
        try await repository.versions(appID: appID).filter(\.isDMSA).max { a, b in
            if (a.status == .promoted) != (b.status == .promoted) { return b.status == .promoted }
            return (SemanticVersion(a.version).map { v in SemanticVersion(b.version).map { v < $0 } ?? false }) ?? false
        }
    }

    /// Promoted apps and apps linked to marketplace traditional accounts. After the sunset an app with no DMSA
    /// version is delisted: it only ever worked through traditional accounts.
    @Sendable func marketplace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let sunset = policy.phase(at: configuration.clock.now) == .sunset
        var linked = Set<Int64>()
        for company in try await repository.companies() {
            for account in try await repository.serviceAccounts(companyID: company.id) where account.appType == .marketplace {
                if let id = account.appID { linked.insert(id) }
            }
        }
        var entries: [MarketplaceEntry] = []
        for app in try await repository.apps() {
            let versions = try await repository.versions(appID: app.id)
            let promoted = versions.contains { $0.status == .promoted }
            guard promoted || linked.contains(app.id) else { continue }
            let hasDMSA = versions.contains(where: \.isDMSA)
            entries.append(MarketplaceEntry(
                id: app.id, name: app.name, has_dmsa_version: hasDMSA, listed: hasDMSA || !sunset,
                status: hasDMSA || !sunset ? "listed" : "delisted: this app only supports traditional service accounts, which were sunset"
            ))
        }
        return try JSONResponse.make(entries)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await repository.company(from: context)
        var rows: [MigrationRow] = []
        for account in try await repository.serviceAccounts(companyID: company.id) {
            let app = try await account.appID.asyncMap { try await repository.app(id: $0) }
            let version = try await account.appID.asyncMap { try await latestDMSAVersion(appID: $0) }
            let levels = try await repository.companyLevels(companyID: company.id, personID: account.contactID) ?? ToolLevels()
            let projects = try await repository.projectIDs(companyID: company.id, personID: account.contactID)
            rows.append(MigrationRow(
                service_account: .init(id: account.id, name: account.name, app_type: account.appType.rawValue, status: account.client.isEnabled ? "active" : "disabled"),
                app: app.map { .init(id: $0.id, name: $0.name) },
                has_dmsa_version: version != nil,
                dmsa_version: version?.version,
                permissions: levels.levels.filter { $0.value != .none }.mapValues(\.rawValue),
                project_ids: projects,
                recommended_action: Self.recommendation(account: account, hasDMSA: version != nil)
            ))
        }
        let f = ISO8601DateFormatter()
        return try JSONResponse.make(MigrationReport(
            company_id: company.id, phase: policy.phase(at: configuration.clock.now).rawValue, sunset_at: f.string(from: policy.sunsetAt), accounts: rows
        ))
    }

    static func recommendation(account: ServiceAccount, hasDMSA: Bool) -> String {
        if !account.client.isEnabled { return "none: this account is disabled" }
        switch (account.appType, hasDMSA) {
        case (.marketplace, true): return "migrate: install the app's DMSA version with POST …/service_accounts/\(account.id)/migrate"
        case (.marketplace, false): return "ask the app's developer for a DMSA version; it cannot be migrated until one exists"
        case (.custom, _): return "create a DMSA app whose manifest requests these permissions, install it, then delete this account"
        }
    }

    /// Installs the DMSA version, carries the projects over as permitted projects and disables the
    /// traditional account, in one transaction.
    @Sendable func migrate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let companyID = try context.parameters.id("cid", resource: "company")
        let id = try context.parameters.id("id", resource: "service account")
        guard let account = try await repository.serviceAccount(id: id, companyID: companyID) else { throw APIError.notFound("service account") }
        guard account.appType == .marketplace, let appID = account.appID, let app = try await repository.app(id: appID) else {
            throw APIError.unprocessable(
                "Custom service accounts cannot be migrated automatically: create a DMSA app whose manifest requests the same permissions, install it, then delete this account.",
                fields: ["app_type": "custom accounts have no app to migrate to"]
            )
        }
        guard account.client.isEnabled else { throw APIError.conflict("this account is disabled; it was already migrated or switched off") }
        guard let version = try await latestDMSAVersion(appID: appID) else {
            throw APIError.unprocessable(
                "App '\(app.name)' has no DMSA version yet. Ask its developer to publish a version whose manifest enables service-account authentication, then migrate.",
                fields: ["app_id": "has no DMSA version"]
            )
        }
        let installation = try await repository.migrate(
            accountID: account.id, companyID: companyID, to: version,
            contactEmail: CredentialFactory.contactEmail(prefix: app.name, domain: configuration.contactDomain),
            contactName: "\(app.name) \(RandomToken.hex(byteCount: 3))", at: configuration.clock.now
        )
        await auditor.record("service_account.migrate", actor: context.adminActor ?? "unknown", target: "service_account:\(account.id)",
                             detail: "installed app \(app.id) version \(version.version) as installation \(installation.id)", context: context)
        let contact = try await repository.person(id: installation.contactID)
        return try JSONResponse.make(InstallationBody(installation, appName: app.name, version: version.version, contactEmail: contact?.email ?? ""), status: .created)
    }
}

struct MarketplaceEntry: Encodable {
    let id: Int64
    let name: String
    let has_dmsa_version: Bool
    let listed: Bool
    let status: String
}

struct MigrationRow: Encodable {
    struct Account: Encodable {
        let id: Int64
        let name: String
        let app_type: String
        let status: String
    }
    struct AppRef: Encodable {
        let id: Int64
        let name: String
    }
    let service_account: Account
    let app: AppRef?
    let has_dmsa_version: Bool
    let dmsa_version: String?
    let permissions: [String: String]
    let project_ids: [Int64]
    let recommended_action: String
}

struct MigrationReport: Encodable {
    let company_id: Int64
    let phase: String
    let sunset_at: String
    let accounts: [MigrationRow]
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
