import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/apps`: the doors to ``Apps`` (operator only until apps have owners).
struct AppsController<Store: AppStore & InstallationStore & PersonStore & AuditStore>: Sendable {
    let apps: Apps<Store>
    let installations: Installations<Store>

    func addRoutes(operator group: RouterGroup<AdminRequestContext>) {
        group.post("apps", use: create)
        group.get("apps", use: list)
        group.get("apps/:app", use: show)
        group.post("apps/:app/reset_secret", use: resetSecret)
        group.post("apps/:app/versions", use: createVersion)
        group.get("apps/:app/versions", use: listVersions)
        group.post("apps/:app/versions/:vid/promote", use: promote)
        group.get("apps/:app/installations", use: appInstallations)
    }

    private func id(_ context: AdminRequestContext) throws -> Int64 { try context.parameters.id("app", resource: "app") }

    struct AppInput: Decodable { let name: String? }

    @Sendable func create(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(AppInput.self, context: context)
        let (app, secret) = try await apps.create(name: input.name, by: context.caller)
        return try JSONResponse.make(AppBody(app, secret: secret), status: .created, headers: .noStore)
    }

    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try JSONResponse.make(try await apps.apps().map { AppBody($0) })
    }

    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try JSONResponse.make(AppBody(try await apps.app(try id(context))))
    }

    @Sendable func resetSecret(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let (app, secret) = try await apps.resetSecret(try id(context), by: context.caller)
        return try JSONResponse.make(AppBody(app, secret: secret), headers: .noStore)
    }

    struct VersionInput: Decodable {
        let version: String?
        let manifest: AnyJSON?
    }

    @Sendable func createVersion(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await apps.app(id)
        let input = try await request.decodeJSON(VersionInput.self, context: context)
        let version = try await apps.createVersion(of: id, version: input.version, manifest: input.manifest?.value, by: context.caller)
        return try JSONResponse.make(VersionBody(version), status: .created)
    }

    @Sendable func listVersions(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try JSONResponse.make(try await apps.versions(of: try id(context)).map(VersionBody.init))
    }

    @Sendable func promote(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let versionID = try context.parameters.id("vid", resource: "version")
        return try JSONResponse.make(VersionBody(try await apps.promote(versionID, of: try id(context), by: context.caller)))
    }

    @Sendable func appInstallations(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let app = try await apps.app(try id(context))
        return try JSONResponse.make(try await installations.list(ofApp: app.id).map(InstallationBody.init))
    }
}
