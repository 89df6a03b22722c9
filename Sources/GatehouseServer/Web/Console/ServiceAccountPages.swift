import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Company Admin → Service Accounts: the console's door to ``ServiceAccounts`` and ``Permissions``. Every
/// handler decodes a form, calls the same operation the admin API calls, and renders a page.
struct ServiceAccountPages<Store: GatehouseRepository>: Sendable {
    let accounts: ServiceAccounts<Store>
    let permissions: Permissions<Store>
    let directory: Directory<Store>
    let installations: Installations<Store>
    let usage: Usage<Store>
    let renderer: Renderer
    let policy: SunsetPolicy
    let clock: any GatehouseCore.Clock

    static var perPage: Int { 25 }

    /// A row of the Service Accounts list.
    enum Entry {
        case traditional(ServiceAccountView)
        case dmsa(InstallationView)
    }

    func addRoutes(to company: RouterGroup<ConsoleCompanyContext>) {
        company.get("service_accounts", use: list)
        company.get("service_accounts/new", use: newForm)
        company.post("service_accounts", use: create)
        company.get("service_accounts/:id", use: show)
        company.post("service_accounts/:id/permissions", use: savePermissions)
        company.post("service_accounts/:id/projects", use: addProject)
        company.get("service_accounts/:id/projects/:pid", use: editMembership)
        company.post("service_accounts/:id/projects/:pid", use: saveMembership)
        company.get("service_accounts/:id/projects/:pid/remove", use: confirmRemoveProject)
        company.post("service_accounts/:id/projects/:pid/remove", use: removeProject)
        company.get("service_accounts/:id/secrets/:sid/retire", use: confirmRetire)
        company.post("service_accounts/:id/rotate_secret", use: rotate)
        company.post("service_accounts/:id/secrets/:sid/retire", use: retire)
        company.get("service_accounts/:id/usage/apply", use: confirmUsage)
        company.post("service_accounts/:id/usage/apply", use: applyUsage)
        for action in Lifecycle.allCases {
            company.get("service_accounts/:id/\(action.rawValue)", use: { request, context in try await confirm(action, request, context) })
            company.post("service_accounts/:id/\(action.rawValue)", use: { request, context in try await perform(action, request, context) })
        }
    }

    private func id(_ context: ConsoleCompanyContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("service account") }
        return id
    }

    private func base(_ context: ConsoleCompanyContext, _ id: Int64) -> String { "/companies/\(context.company.id)/service_accounts/\(id)" }

    private var phase: SunsetPolicy.Phase { policy.phase(at: clock.now) }

    /// The sunset phase's badge: nil in the active phase, when there is nothing to say.
    private var phaseBadge: (phase: String, label: String)? {
        phase == .active ? nil : (phase.rawValue, Self.phaseLabel(phase))
    }

    static func phaseLabel(_ phase: SunsetPolicy.Phase) -> String {
        switch phase {
        case .active: "active"
        case .deprecated: "deprecated"
        case .creationBlocked: "creation blocked"
        case .sunset: "sunset"
        }
    }

    // MARK: list and create

    /// The list's filters beside the name search: every account, those with unused grants, stale ones.
    enum ListFilter: String, CaseIterable {
        case all, unused, stale
        var label: String {
            switch self {
            case .all: "All accounts"
            case .unused: "With unused permissions"
            case .stale: "Stale (no token in 90 days)"
            }
        }
    }

    /// What the list shows about one entry's least privilege.
    private struct Flags {
        var hasUnusedGrants = false
        var isStale = false
        var lastToken: Date?
    }

    private func flags(_ entry: Entry, _ company: Company) async throws -> Flags {
        switch entry {
        case .traditional(let view):
            let last = try await accounts.lastTokenAt(view.account)
            return Flags(hasUnusedGrants: !(try await usage.report(account: view.account.id, in: company).unused.isEmpty),
                         isStale: LeastPrivilege.isStale(createdAt: view.account.createdAt, lastTokenAt: last, now: clock.now), lastToken: last)
        case .dmsa(let view):
            return Flags(hasUnusedGrants: !(try await usage.report(installation: view.installation.id, in: company).unused.isEmpty))
        }
    }

    @Sendable func list(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let query = cleaned(try request.query.text("q"))
        guard let filter = ListFilter(rawValue: cleaned(try request.query.text("filter")) ?? "all") else {
            let allowed = ListFilter.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("filter must be one of: \(allowed)", code: "invalid_parameter", fields: ["filter": "must be one of: \(allowed)"])
        }
        let paging = try Pagination(request, perPage: Self.perPage)
        // Traditional accounts (custom or marketplace) first, then the contacts of installed DMSA apps, which act
        // as service accounts here too; their credentials belong to the app's developer.
        let matches = { (name: String) in query == nil || name.localizedCaseInsensitiveContains(query!) }
        var all: [(entry: Entry, flags: Flags?)] = try await accounts.list(in: context.company).filter { matches($0.account.name) }.map { (Entry.traditional($0), nil) }
            + installations.list(in: context.company).filter { $0.installation.isActive && matches($0.appName) }.map { (Entry.dmsa($0), nil) }
        // A filter needs every entry's flags before the page is cut; without one, only the page's are read.
        if filter != .all {
            for i in all.indices { all[i].flags = try await flags(all[i].entry, context.company) }
            all = all.filter { filter == .unused ? $0.flags!.hasUnusedGrants : $0.flags!.isStale }
        }
        let badge = phaseBadge
        var rows: [Page.ServiceAccounts.Row] = []
        for (entry, known) in all.dropFirst(paging.offset).prefix(paging.limit) {
            let flags = if let known { known } else { try await flags(entry, context.company) }
            switch entry {
            case .traditional(let view):
                let a = view.account
                rows.append(.init(link: "/companies/\(context.company.id)/service_accounts/\(a.id)", name: a.name, kind: a.appType.displayName,
                                  status: a.client.isEnabled ? "active" : "disabled", created: Renderer.day(a.createdAt),
                                  lastToken: flags.lastToken.map(Renderer.time) ?? "never", phase: badge?.phase, phaseLabel: badge?.label,
                                  hasUnusedGrants: flags.hasUnusedGrants, isStale: flags.isStale))
            case .dmsa(let view):
                rows.append(.init(link: "/companies/\(context.company.id)/apps", name: view.appName, kind: "Developer managed app (DMSA)",
                                  status: "active", created: Renderer.day(view.installation.createdAt), lastToken: "kept by the app's developer",
                                  phase: nil, phaseLabel: nil, hasUnusedGrants: flags.hasUnusedGrants, isStale: false))
            }
        }
        func link(_ p: Int) -> String {
            var items = ["page=\(p)"]
            if let query { items.append("q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            if filter != .all { items.append("filter=\(filter.rawValue)") }
            return "/companies/\(context.company.id)/service_accounts?" + items.joined(separator: "&")
        }
        let creationRefusal = policy.creationRefusal(at: clock.now)
        let view = Page.ServiceAccounts(
            companyID: context.company.id, accounts: rows, query: query ?? "", hasQuery: query != nil, total: all.count,
            canCreate: creationRefusal == nil, creationBlockedNote: creationRefusal?.message ?? "",
            filters: ListFilter.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == filter) },
            prev: paging.page > 1 ? link(paging.page - 1) : nil, next: paging.hasNext(total: all.count) ? link(paging.page + 1) : nil)
        return Renderer.html(renderer.render(view, title: "Service Accounts", frame: context.frame("service_accounts", flash: ConsoleFlash.from(request))))
    }

    @Sendable func newForm(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        renderNew(context, name: "", errors: [:])
    }

    private func renderNew(_ context: ConsoleCompanyContext, name: String, errors: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let refusal = policy.creationRefusal(at: clock.now)
        let view = Page.ServiceAccountNew(companyID: context.company.id, csrf: context.csrf, name: name, nameError: errors["name"],
                                          blocked: refusal != nil, blockedText: refusal?.message ?? "")
        return Renderer.html(renderer.render(view, title: "New service account",
                                             frame: context.frame("service_accounts", flash: errors.isEmpty ? nil : .init(text: "The account was not created: fix the field below.", isError: true))), status: status)
    }

    @Sendable func create(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let name = context.form["name"] ?? ""
        do {
            let (view, secret) = try await accounts.create(ServiceAccountDraft(name: name, app_type: "custom"), in: context.company, by: context.caller)
            return secretPage(context, heading: "Service account “\(view.account.name)” created", clientID: view.account.client.clientID, secret: secret,
                              back: base(context, view.account.id), note: "Its directory contact starts with no permissions. Grant company levels and projects on the next page.")
        } catch let error as ValidationError {
            return renderNew(context, name: name, errors: error.fields, status: .unprocessableContent)
        }
    }

    private func secretPage(_ context: ConsoleCompanyContext, heading: String, clientID: String, secret: ClientSecret, back: String, note: String? = nil, expiry: String? = nil) -> Response {
        let view = Page.SecretShown(heading: heading, clientID: clientID, secret: secret.value, back: back, note: note, expiry: expiry)
        var response = Renderer.html(renderer.render(view, title: "Secret shown once", frame: context.frame("service_accounts")))
        // Where the account lives: a repeated post of this form is sent there (the secret is never shown twice).
        response.headers[.contentLocation] = back
        return response
    }

    // MARK: the account page

    @Sendable func show(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await renderShow(try id(context), context, flash: ConsoleFlash.from(request))
    }

    private func renderShow(_ id: Int64, _ context: ConsoleCompanyContext, flash: Renderer.Flash?, addProjectError: String? = nil,
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let detail = try await accounts.detail(id, in: context.company)
        let view = detail.view
        let account = view.account
        let levels = detail.companyLevels
        let base = base(context, id)
        let templates = try await permissions.templates(of: context.company)
        let badge = phaseBadge
        let page = Page.ServiceAccount(
            name: account.name, status: account.client.isEnabled ? "active" : "disabled", enabled: account.client.isEnabled,
            clientID: account.client.clientID, kind: account.appType.displayName, contactEmail: view.contactEmail,
            base: base, csrf: context.csrf, companyID: context.company.id, phase: badge?.phase, phaseLabel: badge?.label,
            secrets: detail.secrets.map { s in
                .init(id: s.id, created: Renderer.time(s.createdAt), expires: s.expiresAt.map(Renderer.time) ?? "never", retirable: detail.retirable.contains(s.id))
            },
            tools: ToolField.fields(.company, id: "tool-", field: "tool", selected: { levels[$0] }),
            memberships: try await detail.memberProjects.asyncMap { project in
                let granted = detail.access.projectLevels[project.id].map(Self.summary) ?? ""
                let current = try await permissions.member(account.contactID, of: project).permissionTemplateID
                return .init(id: project.id, name: project.displayName, access: granted.isEmpty ? "None on every tool" : granted,
                             isExplicit: current == nil, templates: Self.options(templates, selected: current))
            },
            projects: detail.otherProjects.map { .init(id: $0.id, name: $0.displayName) },
            templates: templates.map { .init(id: $0.id, name: $0.name) },
            projectTools: ToolField.fields(.project, id: "level-", field: "level"),
            addProjectError: addProjectError,
            usage: Self.panel(try await usage.report(account: id, in: context.company), applyLink: base + "/usage/apply"),
            audit: detail.recentActivity.map { .init(at: Renderer.time($0.at), actor: $0.actor, action: $0.action, outcome: $0.outcome) })
        return Renderer.html(renderer.render(page, title: account.name, frame: context.frame("service_accounts", flash: flash)), status: status)
    }

    static func summary(_ levels: ToolLevels) -> String {
        ToolCatalog.all.compactMap { tool in levels[tool] == .none ? nil : "\(tool.friendlyName): \(levels[tool].displayName)" }.joined(separator: ", ")
    }

    /// The matrix posts `tool[<key>]=<level>` for every company tool; it needs Directory at admin, which a
    /// company admin holds.
    @Sendable func savePermissions(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let account = try await accounts.account(id, in: context.company)
        let tools = context.form.bracketed("tool")
        do {
            _ = try await permissions.setCompanyLevels(tools, of: account.contactID, in: context.company, by: context.caller)
        } catch let error as ValidationError {
            let fields = error.fields.map { "\($0.key.replacingOccurrences(of: "tools.", with: "")) \($0.value)" }.sorted().joined(separator: "; ")
            return try await renderShow(id, context, flash: .init(text: "Permissions were not saved: \(fields).", isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect(base(context, id) + "?done=saved")
    }

    @Sendable func addProject(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let account = try await accounts.account(id, in: context.company)
        guard let projectID = context.form["project_id"].flatMap(RequestNumber.id) else {
            return try await renderShow(id, context, flash: .init(text: "Choose a project.", isError: true), status: .unprocessableContent)
        }
        // A template, or (when none is chosen, the default) the explicit levels of the form's second part; never a
        // template that silently replaces levels the admin set.
        let templateID = context.form["template_id"].flatMap(RequestNumber.id)
        let levels = context.form.bracketed("level").filter { $0.value != "none" }
        if templateID != nil, !levels.isEmpty {
            return try await renderShow(id, context, flash: .init(text: "Not added: choose a template or explicit levels, not both.", isError: true),
                                        addProjectError: "Choose a template or explicit levels, not both. To use the levels below, choose “Explicit levels”.",
                                        status: .unprocessableContent)
        }
        let tools = templateID == nil ? levels : nil
        let project = try await directory.project(projectID, in: context.company)
        do {
            try await permissions.addMembership(person: account.contactID, to: project, templateID: templateID, tools: tools, by: context.caller)
        } catch let error as ValidationError {
            return try await renderShow(id, context, flash: .init(text: "Not added: \(error.message).", isError: true), status: .unprocessableContent)
        } catch let error as DomainError where error.code != .notFound {
            return try await renderShow(id, context, flash: .init(text: error.message, isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect(base(context, id) + "?done=project-added")
    }

    static func options(_ templates: [PermissionTemplate], selected: Int64?) -> [Page.ServiceAccount.TemplateOption] {
        templates.map { .init(value: $0.id, label: $0.name, selected: $0.id == selected) }
    }

    private func membership(_ context: ConsoleCompanyContext) async throws -> (account: ServiceAccount, project: Project, member: DirectoryMember) {
        let account = try await accounts.account(try id(context), in: context.company)
        guard let projectID = context.parameters.get("pid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("project") }
        let project = try await directory.project(projectID, in: context.company)
        return (account, project, try await permissions.member(account.contactID, of: project))
    }

    /// One membership's template or explicit levels, edited in place.
    @Sendable func editMembership(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let (account, project, member) = try await membership(context)
        return try await renderMembership(account, project, member, context, templateError: nil, flash: nil)
    }

    private func renderMembership(_ account: ServiceAccount, _ project: Project, _ member: DirectoryMember, _ context: ConsoleCompanyContext,
                                  templateError: String?, flash: Renderer.Flash?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let levels = try await permissions.projectLevels(of: account.contactID, on: project)
        let base = base(context, account.id)
        let page = Page.MembershipEdit(
            heading: "“\(account.name)” on \(project.displayName)", action: "\(base)/projects/\(project.id)", back: base, csrf: context.csrf,
            isExplicit: member.permissionTemplateID == nil,
            templates: Self.options(try await permissions.templates(of: context.company), selected: member.permissionTemplateID),
            tools: ToolField.fields(.project, id: "level-", field: "level", selected: { levels[$0] }), templateError: templateError)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("service_accounts", flash: flash)), status: status)
    }

    /// Saves a membership: a template, or explicit levels. From the account page's row only the template select is
    /// posted; "Explicit levels" there keeps the levels the membership has now, as explicit ones.
    @Sendable func saveMembership(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let (account, project, member) = try await membership(context)
        let templateID = context.form["template_id"].flatMap(RequestNumber.id)
        let posted = context.form.bracketed("level")
        let levels = posted.filter { $0.value != "none" }
        if templateID != nil, !levels.isEmpty {
            return try await renderMembership(account, project, member, context, templateError: "Choose a template or explicit levels, not both.",
                                              flash: .init(text: "Not saved: choose a template or explicit levels, not both.", isError: true), status: .unprocessableContent)
        }
        do {
            if templateID == nil, posted.isEmpty {
                try await permissions.makeExplicit(person: account.contactID, in: project, by: context.caller)
            } else {
                try await permissions.updateMembership(person: account.contactID, in: project, templateID: templateID,
                                                       tools: templateID == nil ? levels : nil, by: context.caller)
            }
        } catch let error as ValidationError {
            return try await renderMembership(account, project, member, context, templateError: error.message,
                                              flash: .init(text: "Not saved: \(error.message).", isError: true), status: .unprocessableContent)
        } catch let error as DomainError where error.code == .invalid {
            return try await renderMembership(account, project, member, context, templateError: error.message,
                                              flash: .init(text: "Not saved: \(error.message).", isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect(base(context, account.id) + "?done=membership-saved")
    }

    @Sendable func confirmRemoveProject(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let (account, project, _) = try await membership(context)
        let base = base(context, account.id)
        let page = Page.Confirm(
            heading: "Remove “\(account.name)” from \(project.displayName)?",
            warning: "Its calls on this project are refused from the next call on. Its levels on the project are deleted; adding it again starts from what you choose then.",
            action: "\(base)/projects/\(project.id)/remove", back: base, confirmLabel: "Remove from \(project.displayName)", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("service_accounts")))
    }

    @Sendable func confirmRetire(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let account = try await accounts.account(id, in: context.company)
        guard let secretID = context.parameters.get("sid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("secret") }
        let base = base(context, id)
        let page = Page.Confirm(
            heading: "Retire secret #\(secretID) of “\(account.name)”?",
            warning: "Token requests with this secret are refused at once. Tokens it already issued work until they expire. The account's other secret keeps working.",
            action: "\(base)/secrets/\(secretID)/retire", back: base, confirmLabel: "Retire secret #\(secretID)", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("service_accounts")))
    }

    @Sendable func removeProject(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let account = try await accounts.account(id, in: context.company)
        guard let projectID = context.parameters.get("pid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("project") }
        let project = try await directory.project(projectID, in: context.company)
        try await permissions.removeMembership(person: account.contactID, from: project, by: context.caller)
        return Renderer.redirect(base(context, id) + "?done=project-removed")
    }

    // MARK: least privilege

    /// Each grant beside its use; rows follow the catalog's order, company first, then each project.
    static func panel(_ report: UsageReport, applyLink: String) -> Page.UsagePanel {
        let unused = Dictionary(report.unused.map { ("\($0.projectID ?? 0)/\($0.tool.key)", $0) }, uniquingKeysWith: { a, _ in a })
        let used = Dictionary(report.used.map { ("\($0.projectID ?? 0)/\($0.tool.key)", $0) }, uniquingKeysWith: { a, _ in a })
        func rows(_ projectID: Int64?, _ levels: ToolLevels) -> [Page.UsagePanel.Row] {
            ToolCatalog.all.filter { levels[$0] != .none }.map { tool in
                let key = "\(projectID ?? 0)/\(tool.key)"
                let use = used[key]
                return .init(scope: projectID.map { report.projectNames[$0] ?? "Project \($0)" } ?? "Company", tool: tool.friendlyName,
                             granted: levels[tool].displayName, usedLevel: use?.level.displayName ?? "not used", calls: use?.calls ?? 0,
                             lastUse: use.map { Renderer.time($0.lastUsedAt) } ?? "never", isUnused: unused[key] != nil,
                             dropTo: unused[key]?.used.displayName ?? "")
            }
        }
        let all = rows(nil, report.grants.companyLevels) + report.grants.memberships.flatMap { rows($0.projectID, $0.levels) }
        return Page.UsagePanel(days: report.days, since: Renderer.day(report.since), isComplete: report.isComplete, rows: all, hasRows: !all.isEmpty,
                               unusedCount: report.unused.count, hasUnused: !report.unused.isEmpty && !report.isManifestManaged, applyLink: applyLink)
    }

    /// "Lower to what was used…": the confirmation lists every grant that changes.
    @Sendable func confirmUsage(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let account = try await accounts.account(id, in: context.company)
        let report = try await usage.report(account: id, in: context.company)
        guard !report.unused.isEmpty else { return Renderer.redirect(base(context, id) + "?done=usage-nothing") }
        let changes = report.unused.map { grant in
            let place = grant.projectID.map { "on \(report.projectNames[$0] ?? "project \($0)")" } ?? "at company level"
            return "\(grant.tool.friendlyName) \(place): \(grant.granted.displayName) → \(grant.used.displayName)"
        }
        let recorded = Int(max(0, clock.now.timeIntervalSince(report.since)) / 86_400)
        let page = Page.UsageApply(
            heading: "Lower the permissions of “\(account.name)” to what it used in the last \(report.days) days?", changes: changes,
            isComplete: report.isComplete,
            recordedNote: "Only \(recorded) of the \(report.days) days have been recorded (since \(Renderer.day(report.since))). A permission used less often than that will be lowered too.",
            action: base(context, id) + "/usage/apply", back: base(context, id) + "#usage", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("service_accounts")))
    }

    @Sendable func applyUsage(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        do {
            _ = try await usage.apply(account: id, in: context.company, force: context.form["force"] == "1", by: context.caller)
        } catch let error as ValidationError {
            return try await renderShow(id, context, flash: .init(text: "Nothing was lowered: \(error.message).", isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect(base(context, id) + "?done=usage-applied")
    }

    // MARK: credentials

    @Sendable func rotate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let keep = try RequestNumber.field("previous_expires_in", context.form["previous_expires_in"]).map { Int(clamping: $0) }
        do {
            let rotated = try await accounts.rotateSecret(id, in: context.company, previousExpiresIn: keep, by: context.caller)
            let expiry = rotated.secrets.filter { $0.expiresAt != nil }.compactMap(\.expiresAt).max().map(Renderer.time)
            return secretPage(context, heading: "New secret for “\(rotated.view.account.name)”", clientID: rotated.view.account.client.clientID,
                              secret: rotated.secret, back: base(context, id), expiry: expiry)
        } catch let error as ValidationError {
            return try await renderShow(id, context, flash: .init(text: error.message, isError: true), status: .unprocessableContent)
        } catch let error as DomainError where error.code != .notFound {
            return try await renderShow(id, context, flash: .init(text: error.message, isError: true), status: .conflict)
        }
    }

    @Sendable func retire(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        guard let secretID = context.parameters.get("sid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("secret") }
        do {
            try await accounts.retireSecret(secretID, of: id, in: context.company, by: context.caller)
        } catch let error as DomainError where error.code != .notFound {
            return try await renderShow(id, context, flash: .init(text: error.message, isError: true), status: .conflict)
        }
        return Renderer.redirect(base(context, id) + "?done=retired")
    }

    // MARK: confirmed lifecycle actions

    enum Lifecycle: String, CaseIterable {
        case resetSecret = "reset_secret"
        case disable, enable, delete
    }

    @Sendable func confirm(_ action: Lifecycle, _ request: Request, _ context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let view = try await accounts.show(id, in: context.company)
        let name = view.account.name
        let target = "\(base(context, id))/\(action.rawValue)", back = base(context, id)
        let page: Page.Confirm
        switch action {
        case .resetSecret:
            let detail = try await accounts.detail(id, in: context.company)
            let levels = detail.companyLevels
            page = Page.Confirm(
                heading: "Reset the secret of “\(name)”?",
                warning: "Resetting the secret resets all permissions and project memberships. The current secret and every token issued with it stop working at once, and the new secret is shown once.",
                levels: ToolCatalog.tools(in: .company).filter { levels[$0] != .none }.map { "\($0.friendlyName): \(levels[$0].displayName)" },
                projects: detail.memberProjects.map(\.displayName),
                action: target, back: back, confirmLabel: "Reset secret, permissions and projects", csrf: context.csrf)
        case .disable:
            page = Page.Confirm(heading: "Disable “\(name)”?", warning: "Its secret and every token it holds are refused from now on, in every request. You can enable it again later; tokens issued before stay invalid.",
                                action: target, back: back, confirmLabel: "Disable the account", csrf: context.csrf)
        case .enable:
            page = Page.Confirm(heading: "Enable “\(name)”?", warning: "Its secrets work again. Tokens issued before it was disabled stay invalid.",
                                action: target, back: back, danger: false, confirmLabel: "Enable the account", csrf: context.csrf)
        case .delete:
            page = Page.Confirm(heading: "Delete “\(name)”?", warning: "The account, its secrets and its tokens are gone for good; its contact leaves the directory. This cannot be undone.",
                                action: target, back: back, confirmLabel: "Delete the account", csrf: context.csrf)
        }
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("service_accounts")))
    }

    @Sendable func perform(_ action: Lifecycle, _ request: Request, _ context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        switch action {
        case .resetSecret:
            let reset = try await accounts.resetSecret(id, in: context.company, by: context.caller)
            return secretPage(context, heading: "Secret of “\(reset.view.account.name)” reset", clientID: reset.view.account.client.clientID, secret: reset.secret,
                              back: base(context, id), note: "Every permission and project membership was removed, and tokens issued before the reset no longer work.")
        case .disable:
            _ = try await accounts.setEnabled(false, id, in: context.company, by: context.caller)
            return Renderer.redirect(base(context, id) + "?done=disabled")
        case .enable:
            _ = try await accounts.setEnabled(true, id, in: context.company, by: context.caller)
            return Renderer.redirect(base(context, id) + "?done=enabled")
        case .delete:
            try await accounts.delete(id, in: context.company, by: context.caller)
            return Renderer.redirect("/companies/\(context.company.id)/service_accounts?done=deleted")
        }
    }
}
