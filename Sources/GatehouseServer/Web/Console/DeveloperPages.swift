import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// The developer portal (`/developer/apps`) and the marketplace. Any signed-in user can build apps; they see
/// only the apps they own or collaborate on, because ``Apps`` says so for every operation.
struct DeveloperPages<Store: GatehouseRepository>: Sendable {
    let apps: Apps<Store>
    let installations: Installations<Store>
    let policy: Policy<Store>
    let renderer: Renderer
    let clock: any GatehouseCore.Clock

    func addRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("developer/apps", use: list)
        group.get("developer/apps/new", use: newForm)
        group.post("developer/apps", use: create)
        group.get("developer/apps/:app", use: show)
        group.post("developer/apps/:app", use: saveListing)
        group.get("developer/apps/:app/versions/new", use: newVersion)
        group.post("developer/apps/:app/versions", use: createVersion)
        group.post("developer/apps/:app/versions/:vid/promote", use: promote)
        group.post("developer/apps/:app/rotate_secret", use: rotate)
        group.get("developer/apps/:app/secrets/:sid/retire", use: confirmRetire)
        group.post("developer/apps/:app/secrets/:sid/retire", use: retire)
        group.get("developer/apps/:app/reset_secret", use: confirmReset)
        group.post("developer/apps/:app/reset_secret", use: reset)
        group.post("developer/apps/:app/jwks", use: saveJWKS)
        group.post("developer/invitations/:app/accept", use: acceptInvitation)
        group.get("marketplace", use: marketplace)
    }

    private func appID(_ context: ConsoleRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("app").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("app") }
        return id
    }

    private func base(_ id: Int64) -> String { "/developer/apps/\(id)" }

    @Sendable func list(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        var rows: [Page.DeveloperApps.Row] = []
        for app in try await apps.apps(for: context.caller) {
            let versions = try await apps.versions(of: app.id, for: context.caller)
            rows.append(.init(id: app.id, name: app.name, versions: versions.map(\.version).joined(separator: ", ").nonEmpty ?? "none", listed: app.isListed ? "yes" : "no"))
        }
        // The first button keeps the stable test hook `accept-invitation`; ids stay unique on the page.
        let invitations = try await apps.invitations(for: context.caller).enumerated().map { index, app in
            Page.DeveloperApps.Invitation(id: app.id, name: app.name, buttonID: index == 0 ? "accept-invitation" : "accept-invitation-\(app.id)")
        }
        let page = Page.DeveloperApps(csrf: context.csrf, apps: rows, invitations: invitations, hasInvitations: !invitations.isEmpty)
        return Renderer.html(renderer.render(page, title: "My apps", frame: context.frame(flash: ConsoleFlash.from(request))))
    }

    /// The invitee joins the app, which then appears among their apps.
    @Sendable func acceptInvitation(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard let id = context.parameters.get("app").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("invitation") }
        try await apps.acceptInvitation(id, by: context.caller)
        return Renderer.redirect("/developer/apps?done=joined")
    }

    @Sendable func newForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        Renderer.html(renderer.render(Page.DeveloperAppNew(csrf: context.csrf, name: "", nameError: nil), title: "New app", frame: context.frame()))
    }

    @Sendable func create(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let name = context.form["name"] ?? ""
        do {
            let (app, secret) = try await apps.create(name: name, by: context.caller)
            let page = Page.SecretShown(heading: "App “\(app.name)” created", clientID: app.client.clientID, secret: secret.value, back: base(app.id),
                                        continueLabel: "Continue to the app",
                                        note: "One credential pair for every company that installs the app. Add a version next.")
            var response = Renderer.html(renderer.render(page, title: "Secret shown once", frame: context.frame()))
            response.headers[.contentLocation] = page.back
            return response
        } catch let error as ValidationError {
            return Renderer.html(renderer.render(Page.DeveloperAppNew(csrf: context.csrf, name: name, nameError: error.fields["name"]), title: "New app",
                                                 frame: context.frame(flash: .init(text: "The app was not created: fix the field below.", isError: true))), status: .unprocessableContent)
        }
    }

    @Sendable func show(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        try await renderShow(try appID(context), context, flash: ConsoleFlash.from(request))
    }

    private func renderShow(_ id: Int64, _ context: ConsoleRequestContext, flash: Renderer.Flash?, errors: [String: String] = [:],
                            jwksText: String = "", jwksError: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let app = try await apps.app(id, for: context.caller)
        let versions = try await apps.versions(of: id, for: context.caller)
        let secrets = try await apps.activeSecrets(of: id, for: context.caller)
        let now = clock.now
        let newestUnpromoted = versions.filter { $0.status != .promoted }.map(\.id).max()
        let latestPromoted = versions.filter { $0.status == .promoted }.latestDMSA
        let page = Page.DeveloperApp(
            name: app.name, description: app.description ?? "", listed: app.isListed, nameError: errors["name"], base: base(id), csrf: context.csrf,
            clientID: app.client.clientID, jwksText: jwksText, jwksError: jwksError,
            versions: versions.reversed().map { v in
                let permissions = (AppManagementPages<Store>.lines(v.manifest.companyLevels).map { "company \($0)" }
                    + AppManagementPages<Store>.lines(v.manifest.projectLevels).map { "project \($0)" }).joined(separator: ", ")
                return .init(id: v.id, version: v.version, status: v.status == .promoted ? "promoted" : "ready for testing", promoted: v.status == .promoted,
                             key: v.versionKey, permissions: permissions.nonEmpty ?? "none", promoteID: v.id == newestUnpromoted ? "promote" : "promote-\(v.id)")
            },
            secrets: secrets.map { s in
                .init(id: s.id, created: Renderer.time(s.createdAt), expires: s.expiresAt.map(Renderer.time) ?? "never",
                      retirable: secrets.count > 1 && s.isActive(at: now))
            },
            installations: try await installations.list(ofApp: id).filter(\.installation.isActive).map { .init(company: $0.companyName, version: $0.version) },
            latestKey: latestPromoted?.versionKey, latestKeyVersion: latestPromoted?.version)
        return Renderer.html(renderer.render(page, title: app.name, frame: context.frame(flash: flash)), status: status)
    }

    @Sendable func saveListing(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        do {
            _ = try await apps.update(id, name: context.form["name"], description: context.form["description"], listed: context.form["listed"] == "on", by: context.caller)
        } catch let error as ValidationError {
            return try await renderShow(id, context, flash: .init(text: "The listing was not saved.", isError: true), errors: error.fields, status: .unprocessableContent)
        }
        return Renderer.redirect(base(id) + "?done=listing")
    }

    // MARK: versions and the permissions builder

    private func builder(_ app: App, _ context: ConsoleRequestContext, version: String, company: [String: String], project: [String: String],
                         errors: [String: String], flash: Renderer.Flash? = nil, status: HTTPResponse.Status = .ok) -> Response {
        func tools(_ scope: Tool.Scope, _ chosen: [String: String], _ prefix: String) -> [ToolField] {
            ToolField.fields(scope, id: "\(prefix)-tool-", field: "\(prefix)_tool", manifest: prefix,
                             selected: { chosen[$0.key].flatMap(PermissionLevel.init(rawValue:)) },
                             error: { tool in errors["manifest.permissions.\(prefix).\(tool.key)"].map { "\(tool.friendlyName) \($0)" } })
        }
        let manifest = builderManifest(company: company, project: project)
        let json = (try? JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let page = Page.VersionBuilder(
            app: app.name, base: base(app.id), csrf: context.csrf, version: version, versionError: errors["version"], manifest: json,
            companyTools: tools(.company, company, "company"), projectTools: tools(.project, project, "project"))
        return Renderer.html(renderer.render(page, title: "New version", frame: context.frame(flash: flash)), status: status)
    }

    @Sendable func newVersion(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let app = try await apps.app(try appID(context), for: context.caller)
        // A new version starts from the last one's permissions: most versions change a level or two.
        let last = try await apps.versions(of: app.id, for: context.caller).max { $0.id < $1.id }
        func chosen(_ levels: ToolLevels?) -> [String: String] { levels?.levels.mapValues(\.rawValue) ?? [:] }
        return builder(app, context, version: "", company: chosen(last?.manifest.companyLevels), project: chosen(last?.manifest.projectLevels), errors: [:])
    }

    /// The builder posts `company_tool[<key>]` and `project_tool[<key>]`; the manifest is built from them, so
    /// the JSON beside the form is only ever a view of what is submitted.
    @Sendable func createVersion(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let app = try await apps.app(try appID(context), for: context.caller)
        let company = context.form.bracketed("company_tool"), project = context.form.bracketed("project_tool")
        let version = (context.form["version"] ?? "").trimmingCharacters(in: .whitespaces)
        let manifest = builderManifest(company: company, project: project)
        do {
            _ = try await apps.createVersion(of: app.id, version: version, manifest: manifest, by: context.caller)
        } catch let error as ValidationError {
            return builder(app, context, version: version, company: company, project: project, errors: error.fields,
                           flash: .init(text: "The version was not added: fix the fields marked below.", isError: true), status: .unprocessableContent)
        } catch let error as DomainError where error.code == .conflict {
            return builder(app, context, version: version, company: company, project: project, errors: ["version": "already exists for this app"],
                           flash: .init(text: "The version was not added.", isError: true), status: .conflict)
        }
        return Renderer.redirect(base(app.id) + "?done=version")
    }

    @Sendable func promote(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        guard let versionID = context.parameters.get("vid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("version") }
        _ = try await apps.promote(versionID, of: id, by: context.caller)
        return Renderer.redirect(base(id) + "?done=promoted")
    }

    // MARK: credentials

    @Sendable func rotate(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let rotated = try await apps.rotateSecret(id, previousExpiresIn: try RequestNumber.field("previous_expires_in", context.form["previous_expires_in"]).map { Int(clamping: $0) }, by: context.caller)
        let page = Page.SecretShown(heading: "New secret for “\(rotated.app.name)”", clientID: rotated.app.client.clientID, secret: rotated.secret.value,
                                    back: base(id), continueLabel: "Continue to the app", expiry: rotated.secrets.compactMap(\.expiresAt).max().map(Renderer.time))
        var response = Renderer.html(renderer.render(page, title: "Secret shown once", frame: context.frame()))
        response.headers[.contentLocation] = page.back
        return response
    }

    @Sendable func confirmRetire(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let app = try await apps.app(id, for: context.caller)
        guard let secretID = context.parameters.get("sid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("secret") }
        let page = Page.Confirm(
            heading: "Retire secret #\(secretID) of “\(app.name)”?",
            warning: "Token requests with this secret are refused at once, in every company. Tokens it already issued work until they expire. The app's other secret keeps working.",
            action: base(id) + "/secrets/\(secretID)/retire", back: base(id), confirmLabel: "Retire secret #\(secretID)", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: page.heading, frame: context.frame()))
    }

    @Sendable func retire(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        guard let secretID = context.parameters.get("sid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("secret") }
        do {
            try await apps.retireSecret(secretID, of: id, by: context.caller)
        } catch let error as DomainError where error.code != .notFound {
            return try await renderShow(id, context, flash: .init(text: error.message, isError: true), status: .conflict)
        }
        return Renderer.redirect(base(id) + "?done=retired")
    }

    @Sendable func confirmReset(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let app = try await apps.app(id, for: context.caller)
        let page = Page.Confirm(
            heading: "Reset the secret of “\(app.name)”?",
            warning: "Every installation's tokens die at once, in every company, and the current secrets stop working. The new secret is shown once.",
            action: base(id) + "/reset_secret", back: base(id), confirmLabel: "Reset the app's secret", csrf: context.csrf)
        return Renderer.html(renderer.render(page, title: "Reset secret", frame: context.frame()))
    }

    @Sendable func reset(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let (app, secret) = try await apps.resetSecret(id, by: context.caller)
        let page = Page.SecretShown(heading: "Secret of “\(app.name)” reset", clientID: app.client.clientID, secret: secret.value, back: base(id),
                                    continueLabel: "Continue to the app",
                                    note: "Tokens issued before the reset no longer work in any company.")
        var response = Renderer.html(renderer.render(page, title: "Secret shown once", frame: context.frame()))
        response.headers[.contentLocation] = page.back
        return response
    }

    @Sendable func saveJWKS(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let text = context.form["jwks"] ?? ""
        do {
            _ = try await apps.setJWKS(text, for: id, by: context.caller)
        } catch let error as ValidationError {
            let reason = error.fields.values.sorted().joined(separator: "; ")
            return try await renderShow(id, context, flash: .init(text: "The JWKS was not saved.", isError: true), jwksText: text,
                                        jwksError: "\(error.message): \(reason).", status: .unprocessableContent)
        } catch let error as DomainError where error.code == .malformed {
            return try await renderShow(id, context, flash: .init(text: "The JWKS was not saved.", isError: true), jwksText: text,
                                        jwksError: "Paste a JSON document of the form {\"keys\": [...]}.", status: .unprocessableContent)
        }
        return Renderer.redirect(base(id) + "?done=jwks")
    }

    // MARK: marketplace

    @Sendable func marketplace(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let rows = try await policy.marketplace().map { entry in
            Page.Marketplace.Row(name: entry.name, description: entry.description ?? "", dmsa: entry.hasDMSAVersion ? "yes" : "no",
                                 status: entry.status, statusClass: entry.isListed ? "active" : "sunset")
        }
        return Renderer.html(renderer.render(Page.Marketplace(apps: rows), title: "Marketplace", frame: context.frame()))
    }
}
