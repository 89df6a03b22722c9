import Foundation
import GatehouseCore
import GatehouseStore

extension Deployments {
    /// The deployment, or one company (`company` names it), as a document: names only, no ids and no secrets.
    /// Everything is sorted by name, so an export applied to an empty server exports again to the same bytes.
    ///
    /// With one company, the apps are those installed in it. What a document cannot say is left out and listed in
    /// docs/as-code.md: project-specific templates, marketplace-linked accounts' app links, collaborators.
    func export(company name: String?, by caller: Caller) async throws -> DeploymentDocument {
        guard caller.actor.isOperator else { throw DomainError.forbidden("exporting the deployment is for operators") }
        var companies = try await store.companies().sorted { $0.name < $1.name }
        if let name {
            companies = companies.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            guard companies.count == 1 else {
                throw ValidationError("no single company of that name", fields: ["company": companies.isEmpty ? "names no company" : "names \(companies.count) companies"])
            }
        }
        var document = DeploymentDocument()
        var installed: [(Company, Installation)] = []
        for company in companies {
            document.companies.append(try await companySpec(company))
            for installation in try await store.installations(companyID: company.id) where installation.isActive { installed.append((company, installation)) }
        }
        var apps = try await store.apps()
        if name != nil { apps = apps.filter { app in installed.contains { $0.1.appID == app.id } } }
        for app in apps.sorted(by: { $0.name < $1.name }) {
            let owner = try await app.ownerID.asyncMap { try await store.person(id: $0)?.email }
            let versions = try await store.versions(appID: app.id).sorted { a, b in
                switch (SemanticVersion(a.version), SemanticVersion(b.version)) {
                case let (x?, y?): x < y
                default: a.version < b.version
                }
            }
            document.apps.append(DeploymentDocument.AppSpec(
                name: app.name, owner: owner ?? nil, listed: app.isListed,
                versions: versions.map { DeploymentDocument.VersionSpec(version: $0.version, promoted: $0.status == .promoted,
                                                                          companyTools: $0.manifest.companyLevels.documentForm,
                                                                          projectTools: $0.manifest.projectLevels.documentForm) }))
        }
        for (company, installation) in installed {
            guard let app = try await store.app(id: installation.appID),
                  let version = try await store.version(id: installation.versionID, appID: app.id) else { continue }
            var names: [String] = []
            for id in try await store.permittedProjects(installationID: installation.id) {
                if let project = try await store.project(id: id) { names.append(project.name) }
            }
            document.installations.append(.init(company: company.name, app: app.name, version: version.version, permittedProjects: names.sorted()))
        }
        document.installations.sort { ($0.company, $0.app) < ($1.company, $1.app) }
        return document
    }

    private func companySpec(_ company: Company) async throws -> DeploymentDocument.CompanySpec {
        let projects = try await store.projects(companyID: company.id, limit: Int.max / 2, offset: 0, activeOnly: false).items
        let projectNames = Dictionary(projects.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var spec = DeploymentDocument.CompanySpec(name: company.name, projects: projects.map(\.name).sorted())
        for member in try await store.directoryMembers(companyID: company.id, limit: Int.max / 2, offset: 0).items where member.person.kind == .user {
            let levels = try await store.companyLevels(companyID: company.id, personID: member.person.id) ?? ToolLevels()
            spec.users.append(.init(email: member.person.email, firstName: member.person.firstName, lastName: member.person.lastName, companyTools: levels.documentForm))
        }
        spec.users.sort { $0.email < $1.email }
        let templates = try await store.templates(companyID: company.id, projectID: nil).filter(\.isGlobal)
        let templateNames = Dictionary(templates.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        spec.templates = templates.map { .init(name: $0.name, tools: $0.levels.documentForm) }.sorted { $0.name < $1.name }
        for account in try await store.serviceAccounts(companyID: company.id) {
            let grants = try await store.grants(companyID: company.id, personID: account.contactID) ?? Grants(companyLevels: ToolLevels(), memberships: [])
            var memberships: [DeploymentDocument.MembershipSpec] = []
            for membership in grants.memberships {
                guard let project = projectNames[membership.projectID] else { continue }
                if let templateID = membership.templateID, let template = templateNames[templateID] {
                    memberships.append(.init(project: project, template: template))
                } else {
                    memberships.append(.init(project: project, tools: membership.levels.documentForm))
                }
            }
            spec.serviceAccounts.append(.init(name: account.name, companyTools: grants.companyLevels.documentForm,
                                              projects: memberships.sorted { $0.project < $1.project }))
        }
        spec.serviceAccounts.sort { $0.name < $1.name }
        return spec
    }
}
