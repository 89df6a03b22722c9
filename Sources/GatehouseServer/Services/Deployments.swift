import Foundation
import GatehouseCore
import GatehouseStore

/// One change a document makes, as the plan lists it.
struct DeploymentChange: Sendable, Equatable {
    enum Action: String, Sendable { case create, update, delete }
    var action: Action
    /// `company`, `project`, `user`, `permission_template`, `service_account`, `app`, `app_version`,
    /// `installation` or `membership`.
    var kind: String
    /// The object's names from its scope down: `Riverside Builders/Nightly Sync/Tower A`.
    var name: String
    /// What changes on an update (and what a create sets, where that is more than a name).
    var fields: [String]
}

/// Credentials of an object an apply created, shown once in its answer.
struct CreatedCredentials: Sendable {
    var kind: String
    var name: String
    var clientID: String
    var clientSecret: ClientSecret
    /// The document fixed them (CI): the start-up summary does not echo a secret its reader already holds.
    var given = false
}

struct DeploymentPlan: Sendable {
    var changes: [DeploymentChange] = []
    var credentials: [CreatedCredentials] = []
}

/// A fault for tests: the apply throws after this many changes have been written, to show that the
/// transaction leaves nothing behind. Configuration sets it only in tests (`GatehouseConfiguration.applyFaultAfter`).
struct ApplyFault: Error, Sendable {
    var after: Int
}

/// Gatehouse as code (spec §6): plans a document against the deployment, applies it through the same services as
/// every other door in one transaction, and exports the deployment as a document.
///
/// The walk is one function for both the plan and the apply: a dry run notes each change and writes nothing, an
/// apply notes it and makes it through the service that owns the rule (so the sunset policy, the contact rules and
/// manifest validation all hold, and each change has its audit row under `apply:<token name>`).
struct Deployments<Store: GatehouseRepository>: Sendable {
    let store: Store
    let directory: Directory<Store>
    let permissions: Permissions<Store>
    let serviceAccounts: ServiceAccounts<Store>
    let apps: Apps<Store>
    let installations: Installations<Store>
    let allowsGivenCredentials: Bool
    let fault: ApplyFault?

    /// Plans (`dryRun`) or applies a document. Operators only. A document with given credentials on a server
    /// without `--allow-given-credentials` is refused before anything is read.
    func apply(_ document: DeploymentDocument, dryRun: Bool, prune: Bool, by caller: Caller) async throws -> DeploymentPlan {
        guard caller.actor.isOperator else { throw DomainError.forbidden("applying a document is for operators") }
        if !allowsGivenCredentials {
            var fields: [String: String] = [:]
            for (i, company) in document.companies.enumerated() {
                for (j, account) in company.serviceAccounts.enumerated() where account.given != nil {
                    fields["companies[\(i)].service_accounts[\(j)].client_id"] = "given credentials need a server started with --allow-given-credentials"
                }
            }
            for (i, app) in document.apps.enumerated() where app.given != nil {
                fields["apps[\(i)].client_id"] = "given credentials need a server started with --allow-given-credentials"
            }
            if !fields.isEmpty { throw ValidationError("given credentials are refused: start the server with --allow-given-credentials (for CI only)", fields: fields) }
        }
        let applier = Caller(.applying(name: Self.applierName(caller.actor)), remoteAddress: caller.remoteAddress, requestID: caller.requestID)
        var walk = DeploymentWalk(deployments: self, document: document, execute: !dryRun, prune: prune || document.prune, caller: applier)
        if dryRun {
            try await walk.run()
            return walk.plan
        }
        let walked = walk
        return try await store.atomically {
            var inside = walked
            try await inside.run()
            return inside.plan
        }
    }

    static func applierName(_ actor: Actor) -> String {
        switch actor {
        case .operator(let name): name ?? "operator"
        case .applying(let name): name
        default: actor.description
        }
    }
}

/// One pass over a document: reads what exists, notes each difference, and (when executing) makes it.
struct DeploymentWalk<Store: GatehouseRepository>: Sendable {
    let deployments: Deployments<Store>
    let document: DeploymentDocument
    let execute: Bool
    let prune: Bool
    let caller: Caller
    var plan = DeploymentPlan()
    /// Names that match more than one object, and references that match none: a 422 at the end of the walk
    /// (which rolls back whatever an apply wrote on the way).
    var problems: [String: String] = [:]
    /// Companies by document name; nil for one a dry run would create.
    var companies: [String: Company?] = [:]
    var projects: [String: [String: Int64]] = [:]
    var appsByName: [String: (app: App?, versions: [String: AppVersion])] = [:]

    var store: Store { deployments.store }

    mutating func note(_ action: DeploymentChange.Action, _ kind: String, _ name: String, _ fields: [String] = []) throws {
        plan.changes.append(DeploymentChange(action: action, kind: kind, name: name, fields: fields))
        if execute, let fault = deployments.fault, plan.changes.count >= fault.after { throw fault }
    }

    mutating func run() async throws {
        let all = try await store.companies()
        for (i, spec) in document.companies.enumerated() {
            let matches = all.filter { $0.name.caseInsensitiveCompare(spec.name) == .orderedSame }
            guard matches.count <= 1 else {
                problems["companies[\(i)].name"] = "\(matches.count) companies are named '\(spec.name)' (ids \(matches.map { String($0.id) }.joined(separator: ", "))); rename all but one"
                continue
            }
            try await company(spec, existing: matches.first, path: "companies[\(i)]")
        }
        let allApps = try await store.apps()
        for (i, spec) in document.apps.enumerated() {
            let matches = allApps.filter { $0.name.caseInsensitiveCompare(spec.name) == .orderedSame }
            guard matches.count <= 1 else {
                problems["apps[\(i)].name"] = "\(matches.count) apps are named '\(spec.name)' (ids \(matches.map { String($0.id) }.joined(separator: ", "))); rename all but one"
                continue
            }
            try await app(spec, existing: matches.first, path: "apps[\(i)]")
        }
        try await installations(all: all, allApps: allApps)
        guard problems.isEmpty else { throw ValidationError("the document does not match this deployment", fields: problems) }
    }

    // MARK: companies

    mutating func company(_ spec: DeploymentDocument.CompanySpec, existing: Company?, path: String) async throws {
        var company = existing
        if company == nil {
            try note(.create, "company", spec.name)
            if execute { company = try await deployments.directory.createCompany(name: spec.name, by: caller) }
        }
        companies[spec.name.lowercased()] = .some(company)

        // Projects: created when missing; never deleted (Procore has no project deletion; docs/decisions.md).
        var projectIDs: [String: Int64] = [:]
        if let company {
            let existing = try await deployments.directory.projects(in: company, limit: Int.max / 2, offset: 0).items
            for project in existing where projectIDs[project.name.lowercased()] == nil { projectIDs[project.name.lowercased()] = project.id }
        }
        for name in spec.projects where projectIDs[name.lowercased()] == nil {
            try note(.create, "project", "\(spec.name)/\(name)")
            if execute, let company {
                let project = try await deployments.directory.createProject(ProjectDraft(name: name), in: company, by: caller)
                projectIDs[name.lowercased()] = project.id
            }
        }
        projects[spec.name.lowercased()] = projectIDs
        try await users(spec, company: company, path: path)
        let templateIDs = try await templates(spec, company: company, path: path)
        try await accounts(spec, company: company, projectIDs: projectIDs, templateIDs: templateIDs, path: path)
    }

    mutating func users(_ spec: DeploymentDocument.CompanySpec, company: Company?, path: String) async throws {
        for (j, user) in spec.users.enumerated() {
            let name = "\(spec.name)/\(user.email)"
            let wanted = (try? ToolLevels(parsing: user.companyTools, scope: .company)) ?? ToolLevels()
            var person = try await store.login(email: user.email)?.person
            let isNew = person == nil
            if let found = person, found.kind != .user {
                problems["\(path).users[\(j)].email"] = "belongs to a service account's contact, which is never a user"
                continue
            }
            if person == nil {
                try note(.create, "user", name, wanted.levels.isEmpty ? [] : ["company_tools"])
                if execute, let company {
                    person = try await deployments.directory.createUser(UserDraft(first_name: user.firstName, last_name: user.lastName, email: user.email), in: company, by: caller)
                }
            } else if let found = person {
                if found.firstName != user.firstName || found.lastName != user.lastName {
                    try note(.update, "user", name, ["first_name", "last_name"].filter { $0 == "first_name" ? found.firstName != user.firstName : found.lastName != user.lastName })
                    if execute { _ = try await deployments.directory.updatePerson(found.id, PersonPatch(first_name: user.firstName, last_name: user.lastName), by: caller) }
                }
                let inDirectory = if let company { try await store.access(companyID: company.id, personID: found.id).isInDirectory } else { false }
                if !inDirectory {
                    try note(.update, "user", name, ["directory"])
                    if execute, let company { _ = try await deployments.directory.addToDirectory(personID: found.id, in: company, by: caller) }
                }
            }
            guard let person, let company else { continue }
            let current = try await store.companyLevels(companyID: company.id, personID: person.id) ?? ToolLevels()
            if current != wanted {
                // A new user's levels are part of its create.
                if !isNew { try note(.update, "user", name, ["company_tools"]) }
                if execute { _ = try await deployments.permissions.setCompanyLevels(user.companyTools, of: person.id, in: company, by: caller) }
            }
        }
        guard prune, let company else { return }
        let named = Set(spec.users.map(\.email))
        let members = try await store.directoryMembers(companyID: company.id, limit: Int.max / 2, offset: 0).items
        for member in members where member.person.kind == .user && !named.contains(member.person.email.lowercased()) {
            try note(.delete, "user", "\(spec.name)/\(member.person.email)")
            if execute { try await deployments.directory.removeFromDirectory(personID: member.person.id, in: company, by: caller) }
        }
    }

    mutating func templates(_ spec: DeploymentDocument.CompanySpec, company: Company?, path: String) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        let existing = if let company { try await deployments.permissions.templates(of: company) } else { [PermissionTemplate]() }
        for (j, template) in spec.templates.enumerated() {
            let name = "\(spec.name)/\(template.name)"
            let matches = existing.filter { $0.name.caseInsensitiveCompare(template.name) == .orderedSame }
            guard matches.count <= 1 else {
                problems["\(path).permission_templates[\(j)].name"] = "\(matches.count) templates of this company are named '\(template.name)' (ids \(matches.map { String($0.id) }.joined(separator: ", ")))"
                continue
            }
            let wanted = (try? ToolLevels(parsing: template.tools, scope: .project)) ?? ToolLevels()
            if let found = matches.first {
                ids[template.name.lowercased()] = found.id
                if found.levels != wanted, let company {
                    try note(.update, "permission_template", name, ["tools"])
                    if execute { _ = try await deployments.permissions.updateTemplate(found.id, name: found.name, projectID: found.projectID, tools: template.tools, in: company, by: caller) }
                }
            } else {
                try note(.create, "permission_template", name, ["tools"])
                if execute, let company {
                    ids[template.name.lowercased()] = try await deployments.permissions.createTemplate(name: template.name, projectID: nil, tools: template.tools, in: company, by: caller).id
                }
            }
        }
        if prune, let company {
            let named = Set(spec.templates.map { $0.name.lowercased() })
            for template in existing where !named.contains(template.name.lowercased()) {
                try note(.delete, "permission_template", "\(spec.name)/\(template.name)")
                if execute { try await deployments.permissions.deleteTemplate(template.id, in: company, by: caller) }
            }
        }
        return ids
    }

    mutating func accounts(_ spec: DeploymentDocument.CompanySpec, company: Company?, projectIDs: [String: Int64], templateIDs: [String: Int64], path: String) async throws {
        let existing = if let company { try await store.serviceAccounts(companyID: company.id) } else { [ServiceAccount]() }
        for (j, accountSpec) in spec.serviceAccounts.enumerated() {
            let at = "\(path).service_accounts[\(j)]"
            let name = "\(spec.name)/\(accountSpec.name)"
            let matches = existing.filter { $0.name.caseInsensitiveCompare(accountSpec.name) == .orderedSame }
            guard matches.count <= 1 else {
                problems["\(at).name"] = "\(matches.count) service accounts of this company are named '\(accountSpec.name)' (ids \(matches.map { String($0.id) }.joined(separator: ", ")))"
                continue
            }
            var account = matches.first
            if let account, let given = accountSpec.given, account.client.clientID != given.clientID {
                problems["\(at).client_id"] = "differs from the existing account's; an account keeps its client_id (delete it to start again)"
                continue
            }
            if account == nil {
                try note(.create, "service_account", name, accountSpec.companyTools.isEmpty ? [] : ["company_tools"])
                if execute, let company {
                    let (view, secret) = try await deployments.serviceAccounts.create(ServiceAccountDraft(name: accountSpec.name), in: company, given: accountSpec.given, by: caller)
                    account = view.account
                    plan.credentials.append(CreatedCredentials(kind: "service_account", name: name, clientID: view.account.client.clientID, clientSecret: secret,
                                                               given: accountSpec.given != nil))
                }
            }
            guard let company, let account else {
                // A dry run over an account still to be created: every membership is a create.
                for membership in accountSpec.projects { try note(.create, "membership", "\(name)/\(membership.project)", membership.template == nil ? ["tools"] : ["template"]) }
                continue
            }
            let grants = try await store.grants(companyID: company.id, personID: account.contactID) ?? Grants(companyLevels: ToolLevels(), memberships: [])
            let wanted = (try? ToolLevels(parsing: accountSpec.companyTools, scope: .company)) ?? ToolLevels()
            if grants.companyLevels != wanted {
                if matches.first != nil { try note(.update, "service_account", name, ["company_tools"]) }
                if execute { _ = try await deployments.permissions.setCompanyLevels(accountSpec.companyTools, of: account.contactID, in: company, by: caller) }
            }
            try await memberships(accountSpec, of: account, in: company, grants: grants, projectIDs: projectIDs, templateIDs: templateIDs, name: name)
        }
        guard prune, let company else { return }
        let named = Set(spec.serviceAccounts.map { $0.name.lowercased() })
        for account in existing where !named.contains(account.name.lowercased()) {
            try note(.delete, "service_account", "\(spec.name)/\(account.name)")
            if execute { try await deployments.serviceAccounts.delete(account.id, in: company, by: caller) }
        }
    }

    mutating func memberships(_ spec: DeploymentDocument.AccountSpec, of account: ServiceAccount, in company: Company, grants: Grants,
                              projectIDs: [String: Int64], templateIDs: [String: Int64], name: String) async throws {
        var named = Set<Int64>()
        for membership in spec.projects {
            let label = "\(name)/\(membership.project)"
            let templateID = membership.template.flatMap { templateIDs[$0.lowercased()] }
            guard let projectID = projectIDs[membership.project.lowercased()] else {
                // A project this dry run would create.
                try note(.create, "membership", label, membership.template == nil ? ["tools"] : ["template"])
                continue
            }
            named.insert(projectID)
            let current = grants.memberships.first { $0.projectID == projectID }
            let wantedLevels = membership.tools.flatMap { try? ToolLevels(parsing: $0, scope: .project) }
            let project = execute ? try await deployments.directory.project(projectID, in: company) : nil
            if let current {
                let same = membership.template != nil ? (templateID != nil && current.templateID == templateID) : (current.templateID == nil && current.levels == wantedLevels)
                guard !same else { continue }
                try note(.update, "membership", label, [membership.template == nil ? "tools" : "template"])
                if execute, let project {
                    try await deployments.permissions.updateMembership(person: account.contactID, in: project, templateID: templateID, tools: membership.tools, by: caller)
                }
            } else {
                try note(.create, "membership", label, [membership.template == nil ? "tools" : "template"])
                if execute, let project {
                    try await deployments.permissions.addMembership(person: account.contactID, to: project, templateID: templateID, tools: membership.tools, by: caller)
                }
            }
        }
        guard prune else { return }
        for membership in grants.memberships where !named.contains(membership.projectID) {
            let project = try await deployments.directory.project(membership.projectID, in: company)
            try note(.delete, "membership", "\(name)/\(project.name)")
            if execute { try await deployments.permissions.removeMembership(person: account.contactID, from: project, by: caller) }
        }
    }

    // MARK: apps

    mutating func app(_ spec: DeploymentDocument.AppSpec, existing: App?, path: String) async throws {
        var app = existing
        var ownerID: Int64?
        if let owner = spec.owner {
            ownerID = try await store.login(email: owner)?.person.id
            let namedInDocument = document.companies.contains { $0.users.contains { $0.email == owner } }
            if ownerID == nil, !namedInDocument { problems["\(path).owner"] = "names no user; list the developer under a company's users" }
        }
        if let app, let given = spec.given, app.client.clientID != given.clientID {
            problems["\(path).client_id"] = "differs from the existing app's; an app keeps its client_id"
            return
        }
        if app == nil {
            try note(.create, "app", spec.name, spec.listed ? ["listed"] : [])
            if execute {
                let (created, secret) = try await deployments.apps.create(name: spec.name, ownerID: ownerID, given: spec.given, by: caller)
                app = created
                plan.credentials.append(CreatedCredentials(kind: "app", name: spec.name, clientID: created.client.clientID, clientSecret: secret, given: spec.given != nil))
            }
        } else if let found = app {
            var changed: [String] = []
            if found.isListed != spec.listed { changed.append("listed") }
            if found.ownerID != ownerID, spec.owner != nil || found.ownerID != nil { problems["\(path).owner"] = "an app's owner does not change through apply" }
            if !changed.isEmpty {
                try note(.update, "app", spec.name, changed)
                if execute { app = try await deployments.apps.update(found.id, name: found.name, description: found.description, listed: spec.listed, by: caller) }
            }
        }
        if execute, let created = app, existing == nil, spec.listed, !created.isListed {
            app = try await deployments.apps.update(created.id, name: created.name, description: created.description, listed: true, by: caller)
        }
        var versions: [String: AppVersion] = [:]
        if let app { for version in try await store.versions(appID: app.id) { versions[version.version] = version } }
        for (k, versionSpec) in spec.versions.enumerated() {
            let label = "\(spec.name)/\(versionSpec.version)"
            var version = versions[versionSpec.version]
            if let found = version {
                if found.manifest.companyLevels != versionSpec.manifest.companyLevels || found.manifest.projectLevels != versionSpec.manifest.projectLevels {
                    problems["\(path).versions[\(k)]"] = "a version's permissions never change; add a new version"
                    continue
                }
            } else {
                try note(.create, "app_version", label, ["company_tools", "project_tools"])
                if execute, let app {
                    version = try await deployments.apps.createVersion(of: app.id, version: versionSpec.version, manifest: Self.manifestObject(versionSpec), by: caller)
                    versions[versionSpec.version] = version
                }
            }
            // Promotion is one way: a version listed as promoted is promoted; one listed without is left as it is.
            if versionSpec.promoted, versions[versionSpec.version]?.status != .promoted {
                try note(.update, "app_version", label, ["promoted"])
                if execute, let app, let current = versions[versionSpec.version] {
                    versions[versionSpec.version] = try await deployments.apps.promote(current.id, of: app.id, by: caller)
                }
            }
        }
        appsByName[spec.name.lowercased()] = (app, versions)
    }

    /// The manifest a document version stands for, as a developer would submit it: validated by the same
    /// ``Manifest/validate(_:requireServiceAccount:)`` as every version.
    static func manifestObject(_ spec: DeploymentDocument.VersionSpec) -> [String: Any] {
        ["schema_version": "4.1", "components": ["data_connector": ["service_account": true]],
         "permissions": ["company": spec.companyTools, "project": spec.projectTools]]
    }

    // MARK: installations

    mutating func installations(all: [Company], allApps: [App]) async throws {
        var named: [Int64: Set<Int64>] = [:]
        for (i, spec) in document.installations.enumerated() {
            let path = "installations[\(i)]"
            let label = "\(spec.company)/\(spec.app)"
            // The company and app: named by the document, or already in the deployment.
            let company: Company?
            if let fromDocument = companies[spec.company.lowercased()] {
                company = fromDocument
            } else {
                let matches = all.filter { $0.name.caseInsensitiveCompare(spec.company) == .orderedSame }
                guard matches.count == 1 else {
                    problems["\(path).company"] = matches.isEmpty ? "names no company" : "names \(matches.count) companies"
                    continue
                }
                company = matches[0]
            }
            var app: App?, versions: [String: AppVersion] = [:]
            if let fromDocument = appsByName[spec.app.lowercased()] {
                (app, versions) = fromDocument
            } else {
                let matches = allApps.filter { $0.name.caseInsensitiveCompare(spec.app) == .orderedSame }
                guard matches.count == 1 else {
                    problems["\(path).app"] = matches.isEmpty ? "names no app" : "names \(matches.count) apps"
                    continue
                }
                app = matches[0]
                for version in try await store.versions(appID: matches[0].id) { versions[version.version] = version }
            }
            let versionNamed = document.apps.first { $0.name.caseInsensitiveCompare(spec.app) == .orderedSame }?.versions.contains { $0.version == spec.version } ?? false
            let version = versions[spec.version]
            if version == nil, !(versionNamed && !execute) {
                problems["\(path).version"] = "names no version of \(spec.app)"
                continue
            }
            var projectIDs = projects[spec.company.lowercased()] ?? [:]
            if projects[spec.company.lowercased()] == nil, let company {
                for project in try await store.projects(companyID: company.id, limit: Int.max / 2, offset: 0, activeOnly: false).items { projectIDs[project.name.lowercased()] = project.id }
            }
            let documentProjects = Set(document.companies.first { $0.name.caseInsensitiveCompare(spec.company) == .orderedSame }?.projects.map { $0.lowercased() } ?? [])
            var permitted: [Int64]?
            if let names = spec.permittedProjects {
                permitted = []
                for (k, name) in names.enumerated() {
                    if let id = projectIDs[name.lowercased()] {
                        permitted?.append(id)
                    } else if !documentProjects.contains(name.lowercased()) {
                        problems["\(path).permitted_projects[\(k)]"] = "names no project of \(spec.company)"
                    }
                }
            }
            var existing: Installation?
            if let company, let app { existing = try await store.activeInstallation(appID: app.id, companyID: company.id) }
            if let company, let existing { named[company.id, default: []].insert(existing.id) }
            guard let existing else {
                try note(.create, "installation", label, permitted == nil ? ["version"] : ["version", "permitted_projects"])
                if execute, let company, let version {
                    let view = try await deployments.installations.install(versionKey: version.versionKey, in: company, by: caller)
                    named[company.id, default: []].insert(view.installation.id)
                    if let permitted { _ = try await deployments.installations.setPermittedProjects(permitted, of: view.installation.id, in: company, by: caller) }
                }
                continue
            }
            guard let company, let version else { continue }
            if existing.versionID != version.id {
                try note(.update, "installation", label, ["version"])
                if execute { _ = try await deployments.installations.upgrade(existing.id, in: company, versionKey: version.versionKey, by: caller) }
            }
            if let permitted {
                let current = try await store.permittedProjects(installationID: existing.id)
                if Set(current) != Set(permitted) {
                    try note(.update, "installation", label, ["permitted_projects"])
                    if execute { _ = try await deployments.installations.setPermittedProjects(permitted, of: existing.id, in: company, by: caller) }
                }
            }
        }
        guard prune else { return }
        for spec in document.companies {
            guard let company = companies[spec.name.lowercased()] ?? nil else { continue }
            for installation in try await store.installations(companyID: company.id) where installation.isActive && !(named[company.id]?.contains(installation.id) ?? false) {
                let appName = try await store.app(id: installation.appID)?.name ?? "app \(installation.appID)"
                try note(.delete, "installation", "\(spec.name)/\(appName)")
                if execute { try await deployments.installations.uninstall(installation.id, in: company, by: caller) }
            }
        }
    }
}
