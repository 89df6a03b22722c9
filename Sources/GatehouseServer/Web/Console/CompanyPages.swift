import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Company Admin → Directory, Permission Templates, App Management, Audit and Migration.
struct CompanyPages<Store: GatehouseRepository>: Sendable {
    let services: Services<Store>
    let renderer: Renderer
    let clock: any GatehouseCore.Clock

    static var perPage: Int { 50 }

    func addRoutes(to company: RouterGroup<ConsoleCompanyContext>) {
        company.get("directory", use: directory)
        company.post("directory", use: addToDirectory)
        company.get("permission_templates", use: templates)
        company.post("permission_templates", use: createTemplate)
        company.get("permission_templates/:tid/delete", use: confirmDeleteTemplate)
        company.post("permission_templates/:tid/delete", use: deleteTemplate)
        company.get("permission_templates/:tid", use: editTemplate)
        company.post("permission_templates/:tid", use: updateTemplate)
        company.get("audit", use: audit)
        company.get("migration", use: migration)
        company.get("migration/:id", use: confirmMigrate)
        company.post("migration/:id", use: migrate)
    }

    // MARK: directory

    @Sendable func directory(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await renderDirectory(request, context, email: "", error: nil, flash: ConsoleFlash.from(request))
    }

    private func renderDirectory(_ request: Request, _ context: ConsoleCompanyContext, email: String, error: String?, flash: Renderer.Flash?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let paging = try Pagination(request, perPage: Self.perPage)
        let result = try await services.directory.directory(of: context.company, limit: paging.limit, offset: paging.offset)
        let link = { (page: Int) in "/companies/\(context.company.id)/directory?page=\(page)" }
        let view = Page.Directory(
            companyID: context.company.id, csrf: context.csrf, email: email, total: result.total,
            people: result.items.map { m in
                .init(name: m.person.name, email: m.person.email, kind: m.person.kind == .user ? "user" : "service account contact",
                      status: m.isActive && m.person.isActive ? "active" : "inactive")
            },
            error: error, prev: paging.page > 1 ? link(paging.page - 1) : nil, next: paging.hasNext(total: result.total) ? link(paging.page + 1) : nil)
        return Renderer.html(renderer.render(view, title: "Directory", frame: context.frame("directory", flash: flash)), status: status)
    }

    @Sendable func addToDirectory(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let email = context.form["email"] ?? ""
        do {
            _ = try await services.directory.addToDirectory(email: email, in: context.company, by: context.caller)
        } catch let error as ValidationError {
            return try await renderDirectory(request, context, email: email, error: error.fields["email"].map { "Email \($0)." } ?? error.message,
                                             flash: .init(text: "Nobody was added.", isError: true), status: .unprocessableContent)
        } catch let error as DomainError where error.code == .conflict || error.code == .notFound {
            // The contact rule's message names no company: the admin has no business knowing the other tenant.
            return try await renderDirectory(request, context, email: email, error: error.message, flash: .init(text: "Nobody was added.", isError: true), status: .conflict)
        }
        return Renderer.redirect("/companies/\(context.company.id)/directory?done=added")
    }

    // MARK: templates

    private func templatesView(_ context: ConsoleCompanyContext, name: String, errors: [String: String]) async throws -> Page.Templates {
        let templates = try await services.permissions.templates(of: context.company)
        return Page.Templates(
            companyID: context.company.id, csrf: context.csrf, name: name, nameError: errors["name"],
            templates: templates.map { t in
                let summary = ServiceAccountPages<Store>.summary(t.levels)
                return .init(id: t.id, name: t.name, scope: t.isGlobal ? "global" : "project \(t.projectID ?? 0)", summary: summary.isEmpty ? "None on every tool" : summary)
            },
            tools: ToolField.fields(.project, id: "ptool-", field: "tool"))
    }

    @Sendable func templates(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let view = try await templatesView(context, name: "", errors: [:])
        return Renderer.html(renderer.render(view, title: "Permission Templates", frame: context.frame("permission_templates", flash: ConsoleFlash.from(request))))
    }

    @Sendable func createTemplate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let tools = context.form.bracketed("tool").filter { $0.value != "none" }
        let name = context.form["name"] ?? ""
        do {
            _ = try await services.permissions.createTemplate(name: name, projectID: nil, tools: tools, in: context.company, by: context.caller)
        } catch let error as ValidationError {
            let view = try await templatesView(context, name: name, errors: error.fields)
            return Renderer.html(renderer.render(view, title: "Permission Templates",
                                                 frame: context.frame("permission_templates", flash: .init(text: "The template was not created: \(error.message).", isError: true))), status: .unprocessableContent)
        }
        return Renderer.redirect("/companies/\(context.company.id)/permission_templates?done=template-created")
    }

    private func templateID(_ context: ConsoleCompanyContext) throws -> Int64 {
        guard let id = context.parameters.get("tid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("template") }
        return id
    }

    private func renderEdit(_ template: PermissionTemplate, _ context: ConsoleCompanyContext, name: String, levels: ToolLevels, errors: [String: String], flash: Renderer.Flash? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let view = Page.TemplateEdit(
            companyID: context.company.id, csrf: context.csrf, id: template.id, current: template.name, name: name, nameError: errors["name"],
            scope: template.isGlobal ? "A global template, usable on any project" : "Specific to project \(template.projectID ?? 0)",
            tools: ToolField.fields(.project, id: "ptool-", field: "tool", selected: { levels[$0] }))
        return Renderer.html(renderer.render(view, title: "Edit template", frame: context.frame("permission_templates", flash: flash)), status: status)
    }

    @Sendable func editTemplate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let template = try await services.permissions.template(try templateID(context), in: context.company)
        return renderEdit(template, context, name: template.name, levels: template.levels, errors: [:])
    }

    @Sendable func updateTemplate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let template = try await services.permissions.template(try templateID(context), in: context.company)
        let tools = context.form.bracketed("tool").filter { $0.value != "none" }
        let name = context.form["name"] ?? ""
        do {
            _ = try await services.permissions.updateTemplate(template.id, name: name, projectID: nil, tools: tools, in: context.company, by: context.caller)
        } catch let error as ValidationError {
            let levels = (try? ToolLevels(parsing: tools, scope: .project)) ?? template.levels
            return renderEdit(template, context, name: name, levels: levels, errors: error.fields,
                              flash: .init(text: "The template was not saved: \(error.message).", isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect("/companies/\(context.company.id)/permission_templates?done=template-saved")
    }

    @Sendable func confirmDeleteTemplate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let template = try await services.permissions.template(try templateID(context), in: context.company)
        let base = "/companies/\(context.company.id)/permission_templates"
        let page = Page.Confirm(
            heading: "Delete the template “\(template.name)”?", warning: "It is gone for good. A template that a project membership still uses is not deleted: move those memberships first.",
            action: "\(base)/\(template.id)/delete", back: base, confirmLabel: "Delete “\(template.name)”", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("permission_templates")))
    }

    @Sendable func deleteTemplate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try templateID(context)
        do {
            try await services.permissions.deleteTemplate(id, in: context.company, by: context.caller)
        } catch let error as DomainError where error.code == .conflict {
            let view = try await templatesView(context, name: "", errors: [:])
            return Renderer.html(renderer.render(view, title: "Permission Templates",
                                                 frame: context.frame("permission_templates", flash: .init(text: "The template was not deleted: \(error.message).", isError: true))), status: .conflict)
        }
        return Renderer.redirect("/companies/\(context.company.id)/permission_templates?done=template-deleted")
    }

    // MARK: audit, migration

    /// The company's own log, filtered by actor, action and a UTC time range (`datetime-local` values).
    @Sendable func audit(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let query = request.query
        // Each filter is read once, up front: a repeated one is the console's 400 page, like a repeated `page`.
        var filled: [String: String] = [:]
        for name in ["actor", "action", "since", "until", "outcome"] { filled[name] = try cleaned(query.text(name)) }
        func text(_ name: String) -> String? { filled[name] }
        var filterError: String?
        func time(_ name: String) -> Date? {
            guard text(name) != nil else { return nil }
            do {
                return try query.time(name)
            } catch let error as APIError {
                filterError = "\(error.message.prefix(1).uppercased())\(error.message.dropFirst()), for example 2026-01-31T14:00."
                return nil
            } catch { return nil }
        }
        let outcomes = ["success", "failure", "refused"]
        if let outcome = text("outcome"), !outcomes.contains(outcome) {
            throw APIError.badRequest("outcome must be one of: \(outcomes.joined(separator: ", "))", code: "invalid_parameter", fields: ["outcome": "is not an outcome"])
        }
        // Who and Action match a part, ignoring case; Who also matches the names and emails of people, accounts and apps.
        var filter = AuditFilter(companyID: context.company.id, since: time("since"), until: time("until"))
        if let since = filter.since, let until = filter.until, since > until {
            filterError = "From must be before To: the range is inverted."
            filter.since = nil
            filter.until = nil
        }
        filter.actionMatching = text("action")
        filter.outcome = text("outcome")
        if let who = text("actor") {
            filter.actorMatching = who
            filter.actorsNamed = try await services.auditNames.actors(matching: who, in: context.company)
        }
        let paging = try Pagination(request, perPage: Self.perPage)
        let result = try await services.auditor.entries(filter, limit: paging.limit, offset: paging.offset)
        let names = services.auditNames
        func link(_ p: Int) -> String {
            var items = URLComponents()
            items.queryItems = ["actor", "action", "since", "until", "outcome"].compactMap { n in text(n).map { URLQueryItem(name: n, value: $0) } } + [URLQueryItem(name: "page", value: "\(p)")]
            return "/companies/\(context.company.id)/audit?" + (items.percentEncodedQuery ?? "")
        }
        let view = Page.Audit(
            companyID: context.company.id, total: result.total,
            actor: text("actor") ?? "", action: text("action") ?? "", since: text("since") ?? "", until: text("until") ?? "",
            outcomes: [.init(value: "", label: "Any", selected: text("outcome") == nil)]
                + outcomes.map { .init(value: $0, label: $0.capitalized, selected: $0 == text("outcome")) },
            entries: try await result.items.asyncMap { e in
                let who = try await names.actor(e.actor, in: context.company)
                let what = try await names.target(e.target, in: context.company)
                return .init(at: Renderer.time(e.at), who: .init(name: who.name, raw: who.raw, href: who.link), action: e.action,
                             what: what.map { .init(name: $0.name, raw: $0.raw, href: $0.link) }, outcome: e.outcome, address: e.remoteAddress ?? "")
            },
            filterError: filterError, prev: paging.page > 1 ? link(paging.page - 1) : nil, next: paging.hasNext(total: result.total) ? link(paging.page + 1) : nil)
        return Renderer.html(renderer.render(view, title: "Audit", frame: context.frame("audit")))
    }

    @Sendable func migration(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await renderMigration(context, flash: ConsoleFlash.from(request))
    }

    private func renderMigration(_ context: ConsoleCompanyContext, flash: Renderer.Flash?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let policy = services.policy
        let rows = try await policy.migrationReport(for: context.company)
        let view = Page.Migration(
            companyID: context.company.id, csrf: context.csrf,
            phase: policy.phase.rawValue, phaseLabel: ServiceAccountPages<Store>.phaseLabel(policy.phase), sunsetAt: Renderer.time(policy.policy.sunsetAt),
            rows: rows.map { r in
                .init(id: r.account.id, name: r.account.name, app: r.app?.name ?? "custom (no app)", dmsa: r.dmsaVersion?.version ?? "none",
                      advice: r.recommendation, canMigrate: MigrationAdvice.migrationRefusal(for: r.account, appName: r.app?.name, dmsaVersion: r.dmsaVersion) == nil)
            })
        return Renderer.html(renderer.render(view, title: "Migration", frame: context.frame("migration", flash: flash)), status: status)
    }

    /// Migrating installs the app and disables the traditional account at once, so a live integration stops until
    /// it uses the app's credentials: the page says exactly that before anything happens.
    @Sendable func confirmMigrate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("service account") }
        guard let row = try await services.policy.migrationReport(for: context.company).first(where: { $0.account.id == id }) else {
            throw ConsoleError.notFound("service account")
        }
        let app = row.app?.name ?? "its app"
        let version = row.dmsaVersion.map { " \($0.version)" } ?? ""
        let base = "/companies/\(context.company.id)/migration"
        let page = Page.Confirm(
            heading: "Migrate “\(row.account.name)” to \(app)?",
            warning: "This installs \(app)\(version) in \(context.company.name) and disables “\(row.account.name)” at once. Every call made with the account's credentials is refused from then on, so the integration stops until it uses the app's credentials.",
            action: "\(base)/\(id)", back: base, confirmLabel: "Install \(app) and disable the account", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame("migration")))
    }

    @Sendable func migrate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("service account") }
        do {
            _ = try await services.policy.migrate(id, in: context.company, by: context.caller)
        } catch let error as DomainError where error.code != .notFound {
            return try await renderMigration(context, flash: .init(text: error.message, isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect("/companies/\(context.company.id)/migration?done=migrated")
    }
}
