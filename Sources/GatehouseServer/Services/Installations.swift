import Foundation
import GatehouseCore
import GatehouseStore

/// An installation as every door shows it.
struct InstallationView: Sendable {
    var installation: Installation
    var appName: String
    var version: String
    var contactEmail: String
    /// The installing company's name, for the developer's list of where the app runs.
    var companyName: String
    /// The newest promoted DMSA version of the app, when it is newer than the installed one.
    var latestVersion: String?
    var updateAvailable: Bool { latestVersion != nil }
    var addToNewProjects: Bool
}

/// Company installations of DMSA app versions: install by version key, upgrade, permitted projects, uninstall.
struct Installations<Store: AppStore & InstallationStore & PersonStore & AuditStore & CompanyStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock
    let contactDomain: String
    /// How long an uninstalled installation can come back, contact and permitted projects included.
    let retention: TimeInterval

    /// The version a key names; only DMSA versions can be installed.
    func version(forKey raw: String?) async throws -> AppVersion {
        guard let key = cleaned(raw) else { throw ValidationError("version_key is required", fields: ["version_key": "is required"]) }
        guard let version = try await store.version(key: key) else { throw DomainError.notFound("app version") }
        guard version.isDMSA else {
            throw ValidationError("this version does not use service-account authentication", fields: ["version_key": "not a DMSA version"])
        }
        // Procore's rule: only a promoted version reaches companies; before that it is the developer's to test.
        guard version.status == .promoted else {
            throw ValidationError("this version is not promoted yet: its developer must promote it before companies can install it",
                                  fields: ["version_key": "names a version that is not promoted yet"])
        }
        return version
    }

    /// The generated contact of an app in one company: its email under the contact domain, and a name that
    /// says which app it acts for.
    func newContact(for app: App) -> (email: String, name: String) {
        (CredentialFactory.contactEmail(prefix: app.name, domain: contactDomain), "\(app.name) \(RandomToken.hex(byteCount: 3))")
    }

    /// What an install by this key would do, before it is done: the app and version, or the refusal the install
    /// itself would give (an unknown, unpromoted or non-DMSA key; an app already installed here). The console's
    /// review page shows it; the install checks again in its transaction.
    func review(versionKey: String?, in company: Company) async throws -> (app: App, version: AppVersion) {
        let version = try await version(forKey: versionKey)
        guard let app = try await store.app(id: version.appID) else { throw DomainError.notFound("app") }
        if try await store.activeInstallation(appID: app.id, companyID: company.id) != nil {
            throw DomainError.conflict("this app is already installed in this company; upgrade the installation instead")
        }
        return (app, version)
    }

    /// The installed version, with its manifest.
    func installedVersion(of installation: Installation) async throws -> AppVersion? {
        try await store.version(id: installation.versionID, appID: installation.appID)
    }

    /// The upgrade an installation may take now: its current version and the newest promoted DMSA version, when
    /// that is a valid upgrade (``AppVersion/upgradeRefusal(to:)``); nil when it is up to date.
    func pendingUpgrade(of id: Int64, in company: Company) async throws -> (current: AppVersion, target: AppVersion)? {
        let installation = try await installation(id, in: company)
        let versions = try await store.versions(appID: installation.appID)
        guard let current = versions.first(where: { $0.id == installation.versionID }),
              let target = versions.filter({ $0.status == .promoted }).latestDMSA, current.upgradeRefusal(to: target) == nil
        else { return nil }
        return (current, target)
    }

    /// Who installed it, from the audit row the install wrote (``AuditTarget/installation(company:id:)``).
    func installer(of installation: Installation) async throws -> String? {
        try await store.auditEntries(AuditFilter(companyID: installation.companyID, action: "app.install",
                                                 target: AuditTarget.installation(company: installation.companyID, id: installation.id)),
                                     limit: 1, offset: 0).items.first?.actor
    }

    /// Installs by version key: creates the DMSA contact with the manifest's company permissions.
    func install(versionKey: String?, in company: Company, by caller: Caller) async throws -> InstallationView {
        let version = try await version(forKey: versionKey)
        guard let app = try await store.app(id: version.appID) else { throw DomainError.notFound("app") }
        let contact = newContact(for: app)
        let installation = try await store.install(version: version, companyID: company.id, contactEmail: contact.email, contactName: contact.name,
                                                   retention: retention, at: clock.now)
        await auditor.record("app.install", by: caller, target: AuditTarget.installation(company: company.id, id: installation.id), detail: "app \(app.id) version \(version.version)")
        return try await view(installation)
    }

    func installation(_ id: Int64, in company: Company) async throws -> Installation {
        guard let installation = try await store.installation(id: id, companyID: company.id) else { throw DomainError.notFound("installation") }
        return installation
    }

    func activeInstallation(_ id: Int64, in company: Company) async throws -> Installation {
        let installation = try await installation(id, in: company)
        guard installation.isActive else { throw DomainError.conflict("this installation was uninstalled") }
        return installation
    }

    /// Applies a newer version of the same app: its manifest's permissions replace the old ones.
    func upgrade(_ id: Int64, in company: Company, versionKey: String?, by caller: Caller) async throws -> InstallationView {
        let installation = try await activeInstallation(id, in: company)
        let target = try await version(forKey: versionKey)
        guard let current = try await store.version(id: installation.versionID, appID: installation.appID) else { throw DomainError.notFound("app version") }
        if let refusal = current.upgradeRefusal(to: target) { throw refusal }
        let upgraded = try await store.upgrade(installationID: installation.id, to: target, at: clock.now)
        await auditor.record("app.upgrade", by: caller, target: AuditTarget.installation(company: company.id, id: installation.id), detail: "\(current.version) → \(target.version)")
        return try await view(upgraded)
    }

    func list(in company: Company) async throws -> [InstallationView] {
        var views: [InstallationView] = []
        for installation in try await store.installations(companyID: company.id) { views.append(try await view(installation)) }
        return views
    }

    func list(ofApp appID: Int64) async throws -> [InstallationView] {
        var views: [InstallationView] = []
        for installation in try await store.installations(appID: appID) { views.append(try await view(installation)) }
        return views
    }

    func show(_ id: Int64, in company: Company) async throws -> InstallationView {
        try await view(try await installation(id, in: company))
    }

    /// Makes exactly these projects permitted, with the installed manifest's project levels.
    func setPermittedProjects(_ ids: [Int64]?, of id: Int64, in company: Company, by caller: Caller) async throws -> [Int64] {
        let installation = try await activeInstallation(id, in: company)
        guard let ids else { throw ValidationError("project_ids is required", fields: ["project_ids": "is required"]) }
        guard ids.count <= 10_000, ids.allSatisfy({ $0 > 0 }) else { throw ValidationError("invalid project_ids", fields: ["project_ids": "positive ids, at most 10000"]) }
        guard let version = try await store.version(id: installation.versionID, appID: installation.appID) else { throw DomainError.notFound("app version") }
        try await store.setPermittedProjects(installationID: installation.id, projectIDs: ids, levels: version.manifest.projectLevels)
        await auditor.record("app.permitted_projects", by: caller, target: AuditTarget.installation(company: company.id, id: installation.id),
                             detail: Set(ids).sorted().map(String.init).joined(separator: ","))
        return try await store.permittedProjects(installationID: installation.id)
    }

    func permittedProjects(of id: Int64, in company: Company) async throws -> [Int64] {
        try await store.permittedProjects(installationID: try await installation(id, in: company).id)
    }

    /// Every call of the app in this company answers `App is not connected to this company` from now on.
    func uninstall(_ id: Int64, in company: Company, by caller: Caller) async throws {
        let installation = try await installation(id, in: company)
        try await store.uninstall(installationID: installation.id, companyID: company.id, at: clock.now)
        await auditor.record("app.uninstall", by: caller, target: AuditTarget.installation(company: company.id, id: installation.id))
    }

    /// "Add to all new projects": projects created later in the company get the contact at once, with the
    /// installed manifest's project levels.
    func setAddToNewProjects(_ enabled: Bool, of id: Int64, in company: Company, by caller: Caller) async throws -> InstallationView {
        let installation = try await activeInstallation(id, in: company)
        try await store.setAddToNewProjects(installationID: installation.id, enabled: enabled)
        await auditor.record("app.add_to_new_projects", by: caller, target: AuditTarget.installation(company: company.id, id: installation.id), detail: enabled ? "on" : "off")
        return try await view(installation)
    }

    func view(_ installation: Installation) async throws -> InstallationView {
        let app = try await store.app(id: installation.appID)
        let versions = try await store.versions(appID: installation.appID)
        let installed = versions.first { $0.id == installation.versionID }
        let latest = versions.filter { $0.status == .promoted }.latestDMSA
        let newer = latest.flatMap { latest in installed.flatMap { installed in installed.upgradeRefusal(to: latest) == nil ? latest.version : nil } }
        let contact = try await store.person(id: installation.contactID)
        let company = try await store.company(id: installation.companyID)
        return InstallationView(
            installation: installation, appName: app?.name ?? "", version: installed?.version ?? "", contactEmail: contact?.email ?? "",
            companyName: company?.name ?? "",
            latestVersion: newer, addToNewProjects: installation.isActive ? try await store.addsToNewProjects(installationID: installation.id) : false
        )
    }
}
