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
        var rows: [[String: Any]] = []
        for app in try await apps.apps(for: context.caller) {
            let versions = try await apps.versions(of: app.id, for: context.caller)
            rows.append(["id": app.id, "name": app.name, "versions": versions.map(\.version).joined(separator: ", ").nonEmpty ?? "none", "listed": app.isListed ? "yes" : "no"])
        }
        // The first button keeps the stable test hook `accept-invitation`; ids stay unique on the page.
        let invitations = try await apps.invitations(for: context.caller).enumerated().map { index, app -> [String: Any] in
            ["id": app.id, "name": app.name, "csrf": context.csrf, "buttonID": index == 0 ? "accept-invitation" : "accept-invitation-\(app.id)"]
        }
        return Renderer.html(renderer.render("developer-apps", title: "My apps", ["apps": rows, "invitations": invitations, "hasInvitations": !invitations.isEmpty],
                                             frame: context.frame(flash: ConsoleFlash.from(request))))
    }

    /// The invitee joins the app, which then appears among their apps.
    @Sendable func acceptInvitation(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard let id = context.parameters.get("app").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("invitation") }
        try await apps.acceptInvitation(id, by: context.caller)
        return Renderer.redirect("/developer/apps?done=joined")
    }

    @Sendable func newForm(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        Renderer.html(renderer.render("developer-app-new", title: "New app", ["csrf": context.csrf, "name": "", "errors": [String: String]()], frame: context.frame()))
    }

    @Sendable func create(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let name = context.form["name"] ?? ""
        do {
            let (app, secret) = try await apps.create(name: name, by: context.caller)
            let values: [String: Any] = ["heading": "App “\(app.name)” created", "clientID": app.client.clientID, "secret": secret.value, "back": base(app.id),
                                         "note": "One credential pair for every company that installs the app. Add a version next."]
            return Renderer.html(renderer.render("secret-shown", title: "Secret shown once", values, frame: context.frame()))
        } catch let error as ValidationError {
            return Renderer.html(renderer.render("developer-app-new", title: "New app", ["csrf": context.csrf, "name": name, "errors": error.fields],
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
        let rows: [[String: String]] = try await installations.list(ofApp: id).filter(\.installation.isActive).map { view in
            ["company": view.companyName, "version": view.version]
        }
        var values: [String: Any] = [
            "name": app.name, "description": app.description ?? "", "listed": app.isListed, "errors": errors, "base": base(id), "csrf": context.csrf,
            "clientID": app.client.clientID, "jwksText": jwksText,
            "versions": versions.reversed().map { v -> [String: Any] in
                let permissions = (AppManagementPages<Store>.lines(v.manifest.companyLevels).map { "company \($0)" }
                    + AppManagementPages<Store>.lines(v.manifest.projectLevels).map { "project \($0)" }).joined(separator: ", ")
                return ["id": v.id, "version": v.version, "status": v.status == .promoted ? "promoted" : "ready for testing", "promoted": v.status == .promoted,
                        "key": v.versionKey, "permissions": permissions.nonEmpty ?? "none", "base": base(id), "csrf": context.csrf,
                        "promoteID": v.id == newestUnpromoted ? "promote" : "promote-\(v.id)"]
            },
            "secrets": secrets.map { s -> [String: Any] in
                ["id": s.id, "created": Renderer.time(s.createdAt), "expires": s.expiresAt.map(Renderer.time) ?? "never",
                 "retirable": secrets.count > 1 && s.isActive(at: now), "base": base(id), "csrf": context.csrf]
            },
            "installations": rows,
        ]
        if let latestPromoted { values["latestKey"] = latestPromoted.versionKey; values["latestKeyVersion"] = latestPromoted.version }
        if let jwksError { values["jwksError"] = jwksError }
        return Renderer.html(renderer.render("developer-app", title: app.name, values, frame: context.frame(flash: flash)), status: status)
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
        let manifest: [String: Any] = [
            "schema_version": "4.1", "components": ["data_connector": ["service_account": true]],
            "permissions": ["company": company.filter { $0.value != "none" }, "project": project.filter { $0.value != "none" }],
        ]
        let json = (try? JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let values: [String: Any] = [
            "app": app.name, "base": base(app.id), "csrf": context.csrf, "version": version, "errors": errors, "manifest": json,
            "companyTools": tools(.company, company, "company"), "projectTools": tools(.project, project, "project"),
        ]
        return Renderer.html(renderer.render("developer-version-new", title: "New version", values, frame: context.frame(flash: flash)), status: status)
    }

    @Sendable func newVersion(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let app = try await apps.app(try appID(context), for: context.caller)
        return builder(app, context, version: "", company: [:], project: [:], errors: [:])
    }

    /// The builder posts `company_tool[<key>]` and `project_tool[<key>]`; the manifest is built from them, so
    /// the JSON beside the form is only ever a view of what is submitted.
    @Sendable func createVersion(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let app = try await apps.app(try appID(context), for: context.caller)
        func pick(_ prefix: String) -> [String: String] {
            var picked: [String: String] = [:]
            for (key, value) in context.form where key.hasPrefix(prefix + "[") && key.hasSuffix("]") {
                picked[String(key.dropFirst(prefix.count + 1).dropLast())] = value
            }
            return picked
        }
        let company = pick("company_tool"), project = pick("project_tool")
        let version = (context.form["version"] ?? "").trimmingCharacters(in: .whitespaces)
        let manifest: [String: Any] = [
            "schema_version": "4.1", "components": ["data_connector": ["service_account": NSNumber(value: true)]],
            "permissions": ["company": company.filter { $0.value != "none" }, "project": project.filter { $0.value != "none" }],
        ]
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
        let values: [String: Any] = ["heading": "New secret for “\(rotated.app.name)”", "clientID": rotated.app.client.clientID, "secret": rotated.secret.value,
                                     "back": base(id), "expiry": rotated.secrets.compactMap(\.expiresAt).max().map(Renderer.time) ?? ""]
        return Renderer.html(renderer.render("secret-shown", title: "Secret shown once", values, frame: context.frame()))
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
        let values: [String: Any] = [
            "heading": "Reset the secret of “\(app.name)”?",
            "warning": "Every installation's tokens die at once, in every company, and the current secrets stop working. The new secret is shown once.",
            "csrf": context.csrf, "action": base(id) + "/reset_secret", "back": base(id), "buttonClass": "danger", "confirmLabel": "Reset the app's secret",
        ]
        return Renderer.html(renderer.render("confirm", title: "Reset secret", values, frame: context.frame()))
    }

    @Sendable func reset(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let id = try appID(context)
        let (app, secret) = try await apps.resetSecret(id, by: context.caller)
        let values: [String: Any] = ["heading": "Secret of “\(app.name)” reset", "clientID": app.client.clientID, "secret": secret.value, "back": base(id),
                                     "note": "Tokens issued before the reset no longer work in any company."]
        return Renderer.html(renderer.render("secret-shown", title: "Secret shown once", values, frame: context.frame()))
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
        var rows: [[String: String]] = []
        for entry in try await policy.marketplace() {
            rows.append(["name": entry.name, "description": entry.description ?? "", "dmsa": entry.hasDMSAVersion ? "yes" : "no",
                         "status": entry.status, "statusClass": entry.isListed ? "active" : "sunset"])
        }
        return Renderer.html(renderer.render("marketplace", title: "Marketplace", ["apps": rows], frame: context.frame()))
    }
}
