import Foundation
import GatehouseCore
import GatehouseStore

/// One traditional account in the migration report.
struct MigrationReportRow: Sendable {
    var account: ServiceAccount
    var app: App?
    var dmsaVersion: AppVersion?
    var levels: ToolLevels
    var projectIDs: [Int64]
    var recommendation: String
}

/// The sunset policy for traditional accounts, the marketplace it drives, and migration to DMSA.
struct Policy<Store: CompanyStore & ServiceAccountStore & AppStore & InstallationStore & DirectoryStore & MigrationStore & PersonStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock
    let policy: SunsetPolicy
    let installations: Installations<Store>

    var phase: SunsetPolicy.Phase { policy.phase(at: clock.now) }

    func marketplace() async throws -> [MarketplaceListing] {
        var linked = Set<Int64>()
        for company in try await store.companies() {
            // Only an operator's link puts an unoffered app here (so its companies see its fate); a company admin's
            // link cannot, or linking would publish a developer's private app to every signed-in user.
            for account in try await store.serviceAccounts(companyID: company.id) where account.appType == .marketplace && account.appLinkedByOperator {
                if let id = account.appID { linked.insert(id) }
            }
        }
        let phase = self.phase
        var entries: [MarketplaceListing] = []
        for app in try await store.apps() {
            let versions = try await store.versions(appID: app.id)
            if let entry = MarketplaceListing.entry(app: app, versions: versions, linkedToTraditional: linked.contains(app.id), phase: phase) {
                entries.append(entry)
            }
        }
        return entries
    }

    func migrationReport(for company: Company) async throws -> [MigrationReportRow] {
        var rows: [MigrationReportRow] = []
        for account in try await store.serviceAccounts(companyID: company.id) {
            let (app, versions) = try await reachableApp(of: account)
            let version = app == nil ? nil : versions.filter { $0.status == .promoted }.latestDMSA
            rows.append(MigrationReportRow(
                account: account, app: app, dmsaVersion: version,
                levels: try await store.companyLevels(companyID: company.id, personID: account.contactID) ?? ToolLevels(),
                projectIDs: try await store.projectIDs(companyID: company.id, personID: account.contactID),
                recommendation: MigrationAdvice.recommendation(for: account, hasDMSA: version != nil)
            ))
        }
        return rows
    }

    /// The account's app as its company may see it: a listed app, or one an operator linked. A developer's private
    /// app linked otherwise is nil, so neither its name (in the report) nor its versions (to `migrate`) reach the
    /// company.
    private func reachableApp(of account: ServiceAccount) async throws -> (App?, [AppVersion]) {
        guard let id = account.appID, let app = try await store.app(id: id) else { return (nil, []) }
        let versions = try await store.versions(appID: app.id)
        guard account.appLinkedByOperator || MarketplaceListing.isOffered(app, versions: versions) else { return (nil, []) }
        return (app, versions)
    }

    /// Installs the app's DMSA version, carries the projects over as permitted projects and disables the
    /// traditional account, in one transaction.
    func migrate(_ accountID: Int64, in company: Company, by caller: Caller) async throws -> InstallationView {
        guard let account = try await store.serviceAccount(id: accountID, companyID: company.id) else { throw DomainError.notFound("service account") }
        let (app, versions) = try await reachableApp(of: account)
        // Only a promoted version, the kind a company admin could install by its key; migrate is no way around that.
        let version = app == nil ? nil : versions.filter { $0.status == .promoted }.latestDMSA
        if let refusal = MigrationAdvice.migrationRefusal(for: account, appName: app?.name, dmsaVersion: version) { throw refusal }
        guard let app, let version else { throw DomainError.notFound("app") }
        let contact = installations.newContact(for: app)
        let installation = try await store.migrate(
            accountID: account.id, companyID: company.id, to: version, contactEmail: contact.email, contactName: contact.name, at: clock.now
        )
        await auditor.record("service_account.migrate", by: caller, target: AuditTarget.serviceAccount(account.id),
                             detail: "installed app \(app.id) version \(version.version) as installation \(installation.id)")
        return try await installations.view(installation)
    }
}
