import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Company Admin → App Management: install a custom app by version key after reviewing what it asks for,
/// choose permitted projects, update, uninstall. The door to ``Installations``.
struct AppManagementPages<Store: GatehouseRepository>: Sendable {
    let installations: Installations<Store>
    let directory: Directory<Store>
    let names: AuditNames<Store>
    let renderer: Renderer

    func addRoutes(to company: RouterGroup<ConsoleCompanyContext>) {
        company.get("apps", use: list)
        company.post("apps/review", use: review)
        company.post("apps", use: install)
        company.get("apps/:iid", use: show)
        company.post("apps/:iid/permitted_projects", use: savePermitted)
        company.get("apps/:iid/update", use: reviewUpdate)
        company.post("apps/:iid/update", use: update)
        company.get("apps/:iid/uninstall", use: confirmUninstall)
        company.post("apps/:iid/uninstall", use: uninstall)
    }

    /// A manifest's levels in plain words, one line per tool it asks for.
    static func lines(_ levels: ToolLevels) -> [String] {
        ToolCatalog.all.filter { levels[$0] != .none }.map { "\($0.friendlyName): \(levels[$0].displayName)" }
    }

    private func base(_ context: ConsoleCompanyContext, _ id: Int64) -> String { "/companies/\(context.company.id)/apps/\(id)" }

    private func id(_ context: ConsoleCompanyContext) throws -> Int64 {
        guard let id = context.parameters.get("iid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("installation") }
        return id
    }

    @Sendable func list(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await renderList(context, key: "", error: nil, flash: ConsoleFlash.from(request))
    }

    private func renderList(_ context: ConsoleCompanyContext, key: String, error: String?, flash: Renderer.Flash?, status: HTTPResponse.Status = .ok) async throws -> Response {
        var rows: [Page.Apps.Row] = []
        for view in try await installations.list(in: context.company) where view.installation.isActive {
            let installedBy = try await installations.installer(of: view.installation)
            let by = try await installedBy.asyncMap { try await names.actor($0, in: context.company).name }
            rows.append(.init(id: view.installation.id, app: view.appName, version: view.version, by: by ?? "unknown",
                              at: Renderer.time(view.installation.createdAt), latest: view.latestVersion))
        }
        let page = Page.Apps(companyID: context.company.id, csrf: context.csrf, versionKey: key, installations: rows, error: error)
        return Renderer.html(renderer.render(page, title: "App Management", frame: context.frame("apps", flash: flash)), status: status)
    }

    /// A version key's problems, in the words the form shows next to the field.
    private func keyProblem(_ error: any Error) -> String? {
        switch error {
        case let error as ValidationError: error.fields["version_key"].map { "This key \($0)." } ?? error.message
        case let error as DomainError where error.code == .notFound: "No app version has this key. Check it with the app's developer."
        case let error as DomainError where error.code == .conflict: "This app is already installed in this company. Open it below to update it."
        default: nil
        }
    }

    @Sendable func review(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let key = (context.form["version_key"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let (app, version) = try await installations.review(versionKey: key, in: context.company)
            let page = Page.InstallReview(
                app: app.name, version: version.version, companyName: context.company.name, csrf: context.csrf, versionKey: key,
                company: Self.lines(version.manifest.companyLevels), project: Self.lines(version.manifest.projectLevels),
                action: "/companies/\(context.company.id)/apps", back: "/companies/\(context.company.id)/apps", confirmLabel: "Install \(app.name)")
            return Renderer.html(renderer.render(page, title: "Review \(app.name)", frame: context.frame("apps")))
        } catch {
            guard let problem = keyProblem(error) else { throw error }
            return try await renderList(context, key: key, error: problem, flash: .init(text: "Nothing was installed.", isError: true), status: .unprocessableContent)
        }
    }

    @Sendable func install(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let key = context.form["version_key"] ?? ""
        do {
            let view = try await installations.install(versionKey: key, in: context.company, by: context.caller)
            return Renderer.redirect(base(context, view.installation.id) + "?done=installed")
        } catch {
            guard let problem = keyProblem(error) else { throw error }
            return try await renderList(context, key: key, error: problem, flash: .init(text: "Nothing was installed.", isError: true), status: .unprocessableContent)
        }
    }

    @Sendable func show(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await renderShow(try id(context), context, flash: ConsoleFlash.from(request))
    }

    private func renderShow(_ id: Int64, _ context: ConsoleCompanyContext, flash: Renderer.Flash?, projectsError: String? = nil,
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let view = try await installations.show(id, in: context.company)
        let installation = view.installation
        let version = try await installations.installedVersion(of: installation)
        let permitted = Set(try await installations.permittedProjects(of: id, in: context.company))
        let projects = try await directory.projects(in: context.company, limit: 1000, offset: 0).items
        let page = Page.Installation(
            app: view.appName, version: view.version, contact: view.contactEmail, active: installation.isActive,
            status: installation.isActive ? "installed" : "uninstalled", statusClass: installation.isActive ? "active" : "disabled",
            companyPermissions: (version.map { Self.lines($0.manifest.companyLevels) } ?? []).joined(separator: ", ").nonEmpty ?? "None",
            projectPermissions: (version.map { Self.lines($0.manifest.projectLevels) } ?? []).joined(separator: ", ").nonEmpty ?? "None",
            base: base(context, id), csrf: context.csrf, addToNew: view.addToNewProjects,
            projects: projects.map { .init(id: $0.id, name: $0.displayName, checked: permitted.contains($0.id)) },
            latest: view.latestVersion, projectsError: projectsError)
        return Renderer.html(renderer.render(page, title: view.appName, frame: context.frame("apps", flash: flash)), status: status)
    }

    /// The checklist posts `project[<id>]=on` for each ticked project, and `add_to_new_projects=on` when ticked.
    @Sendable func savePermitted(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let ids = context.form.bracketed("project").keys.compactMap { RequestNumber.id($0) }
        do {
            _ = try await installations.setPermittedProjects(ids, of: id, in: context.company, by: context.caller)
            _ = try await installations.setAddToNewProjects(context.form["add_to_new_projects"] == "on", of: id, in: context.company, by: context.caller)
        } catch let error as ValidationError {
            return try await notSaved(id, context, error.fields.values.sorted())
        } catch let error as DomainError where error.code == .invalid {
            // The store's own check, inside the transaction: a project of another company (a forged form).
            return try await notSaved(id, context, error.fields.isEmpty ? [error.message] : error.fields.values.sorted())
        }
        return Renderer.redirect(base(context, id) + "?done=permitted")
    }

    /// The page again with nothing changed: the reasons in the flash and beside the project list.
    private func notSaved(_ id: Int64, _ context: ConsoleCompanyContext, _ reasons: [String]) async throws -> Response {
        let text = reasons.joined(separator: "; ")
        let reason = text.prefix(1).uppercased() + text.dropFirst() + "."
        return try await renderShow(id, context, flash: .init(text: "Not saved: \(text).", isError: true), projectsError: reason, status: .unprocessableContent)
    }

    /// The newest promoted version and what it changes; there is nothing to review when the app is up to date.
    @Sendable func reviewUpdate(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let view = try await installations.show(id, in: context.company)
        guard let (current, target) = try await installations.pendingUpgrade(of: id, in: context.company) else {
            return try await renderShow(id, context, flash: .init(text: "This app is up to date.", isError: false))
        }
        let changes = current.manifest.changes(to: target.manifest).map { change -> Page.UpdateReview.Change in
            let verb = change.from == .none ? "adds" : change.to == .none ? "removes" : change.isRaise ? "raises" : "lowers"
            return .init(kind: change.isRaise ? "raise" : "lower",
                         text: "\(verb.capitalized) \(change.tool.friendlyName) at \(change.scope.rawValue) level: \(change.from.displayName) → \(change.to.displayName)")
        }
        let page = Page.UpdateReview(
            app: view.appName, from: current.version, to: target.version, changes: changes, keepsProjects: !target.manifest.projectLevels.levels.isEmpty,
            csrf: context.csrf, versionKey: target.versionKey, action: base(context, id) + "/update", back: base(context, id))
        return Renderer.html(renderer.render(page, title: "Update \(view.appName)", frame: context.frame("apps")))
    }

    @Sendable func update(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        do {
            _ = try await installations.upgrade(id, in: context.company, versionKey: context.form["version_key"], by: context.caller)
        } catch let error as ValidationError {
            return try await renderShow(id, context, flash: .init(text: "Not updated: \(error.message).", isError: true), status: .unprocessableContent)
        }
        return Renderer.redirect(base(context, id) + "?done=updated")
    }

    @Sendable func confirmUninstall(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        let id = try id(context)
        let view = try await installations.show(id, in: context.company)
        let page = Page.Confirm(
            heading: "Uninstall \(view.appName)?",
            warning: "Every call of the app in \(context.company.name) will answer “App is not connected to this company” at once. Its contact leaves the directory and its permitted projects. Reinstalling within the retention window brings them back.",
            action: base(context, id) + "/uninstall", back: base(context, id), confirmLabel: "Uninstall \(view.appName)", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: "Uninstall \(view.appName)", frame: context.frame("apps")))
    }

    @Sendable func uninstall(_ request: Request, context: ConsoleCompanyContext) async throws -> Response {
        try await installations.uninstall(try id(context), in: context.company, by: context.caller)
        return Renderer.redirect("/companies/\(context.company.id)/apps?done=uninstalled")
    }
}

extension String {
    /// Nil for an empty string, so a fallback can follow with `??`.
    var nonEmpty: String? { isEmpty ? nil : self }
}
