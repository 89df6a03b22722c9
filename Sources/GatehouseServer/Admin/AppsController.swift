import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Developer managed service accounts: apps, versions and manifests, and company installations.
struct AppsController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    let hasher: SecretHasher
    let configuration: GatehouseConfiguration

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("apps", use: createApp)
        group.get("apps", use: listApps)
        group.get("apps/:app", use: showApp)
        group.post("apps/:app/reset_secret", use: resetSecret)
        group.post("apps/:app/versions", use: createVersion)
        group.get("apps/:app/versions", use: listVersions)
        group.post("apps/:app/versions/:vid/promote", use: promote)
        group.get("apps/:app/installations", use: appInstallations)
        group.post("companies/:cid/installations", use: install)
        group.get("companies/:cid/installations", use: companyInstallations)
        group.get("companies/:cid/installations/:iid", use: showInstallation)
        group.post("companies/:cid/installations/:iid/upgrade", use: upgrade)
        group.put("companies/:cid/installations/:iid/permitted_projects", use: setPermittedProjects)
        group.get("companies/:cid/installations/:iid/permitted_projects", use: permittedProjects)
        group.delete("companies/:cid/installations/:iid", use: uninstall)
    }

    private func actor(_ context: AppRequestContext) -> String { context.adminActor ?? "unknown" }

    private func app(_ context: AppRequestContext) async throws -> App {
        let id = try context.parameters.id("app", resource: "app")
        guard let app = try await repository.app(id: id) else { throw APIError.notFound("app") }
        return app
    }

    private func company(_ context: AppRequestContext) async throws -> Company {
        try await repository.company(from: context)
    }

    private func installation(_ context: AppRequestContext, company: Company) async throws -> Installation {
        let id = try context.parameters.id("iid", resource: "installation")
        guard let installation = try await repository.installation(id: id, companyID: company.id) else { throw APIError.notFound("installation") }
        return installation
    }

    // MARK: apps

    struct AppInput: Decodable { let name: String? }

    @Sendable func createApp(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(AppInput.self, context: context)
        guard let name = cleaned(input.name), name.count <= 100 else { throw APIError.unprocessable("name is required", fields: ["name": "is required (at most 100 characters)"]) }
        let secret = ClientSecret.generate()
        let app = try await repository.createApp(name: name, clientID: CredentialFactory.clientID(), secretHash: hasher.hash(secret), at: configuration.clock.now)
        await auditor.record("app.create", actor: actor(context), target: "app:\(app.id)", context: context)
        return try JSONResponse.make(AppBody(app, secret: secret), status: .created)
    }

    @Sendable func listApps(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await repository.apps().map { AppBody($0) })
    }

    @Sendable func showApp(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(AppBody(try await app(context)))
    }

    /// A new secret, and every outstanding token of the app stops working in every company at once.
    @Sendable func resetSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        let app = try await app(context)
        let secret = ClientSecret.generate()
        try await repository.resetAppSecret(appID: app.id, newHash: hasher.hash(secret), at: configuration.clock.now)
        await auditor.record("app.reset_secret", actor: actor(context), target: "app:\(app.id)", context: context)
        return try JSONResponse.make(AppBody(try await repository.app(id: app.id) ?? app, secret: secret))
    }

    // MARK: versions

    struct VersionInput: Decodable {
        let version: String?
        let manifest: AnyJSON?
    }

    @Sendable func createVersion(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let app = try await app(context)
        let input = try await request.decodeJSON(VersionInput.self, context: context)
        var fields: [String: String] = [:]
        if input.version.flatMap(SemanticVersion.init) == nil { fields["version"] = "must be a semantic version such as 1.0.0" }
        var manifest: Manifest?
        do {
            manifest = try Manifest.validate(input.manifest?.value)
        } catch {
            fields.merge(error.fields) { a, _ in a }
        }
        guard fields.isEmpty, let manifest, let version = input.version else { throw APIError.unprocessable("invalid app version", fields: fields) }
        let created = try await repository.createVersion(appID: app.id, version: version, versionKey: RandomToken.hex(byteCount: 20), manifest: manifest, at: configuration.clock.now)
        await auditor.record("app.version.create", actor: actor(context), target: "app:\(app.id)/version:\(created.id)", context: context)
        return try JSONResponse.make(VersionBody(created), status: .created)
    }

    @Sendable func listVersions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let app = try await app(context)
        return try JSONResponse.make(try await repository.versions(appID: app.id).map(VersionBody.init))
    }

    @Sendable func promote(_ request: Request, context: AppRequestContext) async throws -> Response {
        let app = try await app(context)
        let id = try context.parameters.id("vid", resource: "version")
        guard try await repository.version(id: id, appID: app.id) != nil else { throw APIError.notFound("version") }
        try await repository.promoteVersion(id: id, appID: app.id)
        await auditor.record("app.version.promote", actor: actor(context), target: "app:\(app.id)/version:\(id)", context: context)
        guard let version = try await repository.version(id: id, appID: app.id) else { throw APIError.notFound("version") }
        return try JSONResponse.make(VersionBody(version))
    }

    // MARK: installations

    struct InstallInput: Decodable { let version_key: String? }

    private func versionFromKey(_ request: inout Request, context: AppRequestContext) async throws -> AppVersion {
        let input = try await request.decodeJSON(InstallInput.self, context: context)
        guard let key = cleaned(input.version_key) else { throw APIError.unprocessable("version_key is required", fields: ["version_key": "is required"]) }
        guard let version = try await repository.version(key: key) else { throw APIError.notFound("app version") }
        guard version.isDMSA else {
            throw APIError.unprocessable("this version does not use service-account authentication", fields: ["version_key": "not a DMSA version"])
        }
        return version
    }

    /// Installs by version key: creates the DMSA contact with the manifest's company permissions.
    @Sendable func install(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let version = try await versionFromKey(&request, context: context)
        guard let app = try await repository.app(id: version.appID) else { throw APIError.notFound("app") }
        let suffix = RandomToken.hex(byteCount: 3)
        let installation = try await repository.install(
            version: version, companyID: company.id,
            contactEmail: CredentialFactory.contactEmail(prefix: app.name, domain: configuration.contactDomain),
            contactName: "\(app.name) \(suffix)", at: configuration.clock.now
        )
        await auditor.record("app.install", actor: actor(context), target: "company:\(company.id)/installation:\(installation.id)", detail: "app \(app.id) version \(version.version)", context: context)
        return try JSONResponse.make(try await body(installation), status: .created)
    }

    /// Applies a newer version of the same app: its manifest's permissions replace the old ones.
    @Sendable func upgrade(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let installation = try await installation(context, company: company)
        guard installation.isActive else { throw APIError.conflict("this installation was uninstalled") }
        let version = try await versionFromKey(&request, context: context)
        guard version.appID == installation.appID else {
            throw APIError.unprocessable("the version belongs to another app", fields: ["version_key": "belongs to another app"])
        }
        guard let current = try await repository.version(id: installation.versionID, appID: installation.appID),
              let from = SemanticVersion(current.version), let to = SemanticVersion(version.version), from < to
        else {
            throw APIError.unprocessable("upgrade needs a newer version", fields: ["version_key": "is not newer than the installed version"])
        }
        let upgraded = try await repository.upgrade(installationID: installation.id, to: version, at: configuration.clock.now)
        await auditor.record("app.upgrade", actor: actor(context), target: "company:\(company.id)/installation:\(installation.id)", detail: "\(current.version) → \(version.version)", context: context)
        return try JSONResponse.make(try await body(upgraded))
    }

    @Sendable func companyInstallations(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        var bodies: [InstallationBody] = []
        for installation in try await repository.installations(companyID: company.id) { bodies.append(try await body(installation)) }
        return try JSONResponse.make(bodies)
    }

    @Sendable func appInstallations(_ request: Request, context: AppRequestContext) async throws -> Response {
        let app = try await app(context)
        var bodies: [InstallationBody] = []
        for installation in try await repository.installations(appID: app.id) { bodies.append(try await body(installation)) }
        return try JSONResponse.make(bodies)
    }

    @Sendable func showInstallation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await body(try await installation(context, company: try await company(context))))
    }

    struct PermittedInput: Decodable { let project_ids: [Int64]? }

    @Sendable func setPermittedProjects(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let installation = try await installation(context, company: company)
        guard installation.isActive else { throw APIError.conflict("this installation was uninstalled") }
        let input = try await request.decodeJSON(PermittedInput.self, context: context)
        guard let ids = input.project_ids else { throw APIError.unprocessable("project_ids is required", fields: ["project_ids": "is required"]) }
        guard ids.count <= 10_000, ids.allSatisfy({ $0 > 0 }) else { throw APIError.unprocessable("invalid project_ids", fields: ["project_ids": "positive ids, at most 10000"]) }
        guard let version = try await repository.version(id: installation.versionID, appID: installation.appID) else { throw APIError.notFound("app version") }
        try await repository.setPermittedProjects(installationID: installation.id, projectIDs: ids, levels: version.manifest.projectLevels)
        await auditor.record("app.permitted_projects", actor: actor(context), target: "company:\(company.id)/installation:\(installation.id)",
                             detail: Set(ids).sorted().map(String.init).joined(separator: ","), context: context)
        return try JSONResponse.make(["project_ids": try await repository.permittedProjects(installationID: installation.id)])
    }

    @Sendable func permittedProjects(_ request: Request, context: AppRequestContext) async throws -> Response {
        let installation = try await installation(context, company: try await company(context))
        return try JSONResponse.make(["project_ids": try await repository.permittedProjects(installationID: installation.id)])
    }

    @Sendable func uninstall(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let installation = try await installation(context, company: company)
        try await repository.uninstall(installationID: installation.id, companyID: company.id, at: configuration.clock.now)
        await auditor.record("app.uninstall", actor: actor(context), target: "company:\(company.id)/installation:\(installation.id)", context: context)
        return Response(status: .noContent)
    }

    private func body(_ installation: Installation) async throws -> InstallationBody {
        let app = try await repository.app(id: installation.appID)
        let version = try await repository.version(id: installation.versionID, appID: installation.appID)
        let contact = try await repository.person(id: installation.contactID)
        return InstallationBody(installation, appName: app?.name ?? "", version: version?.version ?? "", contactEmail: contact?.email ?? "")
    }
}

struct AppBody: Encodable {
    let id: Int64
    let name: String
    let client_id: String
    let client_secret: String?
    init(_ app: App, secret: ClientSecret? = nil) {
        id = app.id; name = app.name; client_id = app.client.clientID; client_secret = secret?.value
    }
}

struct VersionBody: Encodable {
    let id: Int64
    let app_id: Int64
    let version: String
    let version_key: String
    let status: String
    let dmsa: Bool
    let manifest: AnyJSON?
    init(_ v: AppVersion) {
        id = v.id; app_id = v.appID; version = v.version; version_key = v.versionKey; status = v.status.rawValue; dmsa = v.isDMSA
        manifest = (try? JSONSerialization.jsonObject(with: Data(v.manifest.json.utf8))).map(AnyJSON.init)
    }
}

struct InstallationBody: Encodable {
    struct AppRef: Encodable {
        let id: Int64
        let name: String
    }
    struct Contact: Encodable {
        let id: Int64
        let email: String
    }
    let id: Int64
    let company_id: Int64
    let app: AppRef
    let version: String
    let status: String
    let contact: Contact
    init(_ i: Installation, appName: String, version: String, contactEmail: String) {
        id = i.id; company_id = i.companyID; app = AppRef(id: i.appID, name: appName); self.version = version
        status = i.isActive ? "installed" : "uninstalled"; contact = Contact(id: i.contactID, email: contactEmail)
    }
}
