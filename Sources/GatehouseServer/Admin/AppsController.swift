import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/apps`: the doors to ``Apps``. Operators reach every app; a signed-in user, the apps they own or
/// collaborate on (``Apps/app(_:for:)`` decides).
struct AppsController<Store: GatehouseRepository>: Sendable {
    let apps: Apps<Store>
    let installations: Installations<Store>

    func addRoutes(actor group: RouterGroup<AdminRequestContext>) {
        group.post("apps", use: create)
        group.get("apps", use: list)
        group.get("apps/:app", use: show)
        group.post("apps/:app/reset_secret", use: resetSecret)
        group.post("apps/:app/rotate_secret", use: rotateSecret)
        group.get("apps/:app/secrets", use: listSecrets)
        group.delete("apps/:app/secrets/:secret_id", use: retireSecret)
        group.put("apps/:app/jwks", use: setJWKS)
        group.get("apps/:app/collaborators", use: collaborators)
        group.post("apps/:app/collaborators", use: addCollaborator)
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
        try Pagination.respond(try await apps.apps(for: context.caller).map { AppBody($0) }, request, context)
    }

    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try JSONResponse.make(AppBody(try await apps.app(try id(context), for: context.caller)))
    }

    @Sendable func resetSecret(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let (app, secret) = try await apps.resetSecret(try id(context), by: context.caller)
        return try JSONResponse.make(AppBody(app, secret: secret), headers: .noStore)
    }

    struct RotateInput: Decodable { let previous_expires_in: Int? }

    @Sendable func rotateSecret(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        let input: RotateInput = request.hasNoBody ? RotateInput(previous_expires_in: nil) : try await request.decodeJSON(RotateInput.self, context: context)
        let rotated = try await apps.rotateSecret(id, previousExpiresIn: input.previous_expires_in, by: context.caller)
        let newest = rotated.secrets.max { $0.id < $1.id }
        return try JSONResponse.make(SecretAnswer(body: AppBody(rotated.app, secret: rotated.secret), secret_id: newest?.id ?? 0,
                                                     secrets: rotated.secrets.map(SecretBody.init)), headers: .noStore)
    }

    @Sendable func listSecrets(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await apps.activeSecrets(of: try id(context), for: context.caller).map(SecretBody.init), request, context)
    }

    @Sendable func retireSecret(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let secretID = try context.parameters.id("secret_id", resource: "secret")
        try await apps.retireSecret(secretID, of: try id(context), by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func setJWKS(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await apps.app(id, for: context.caller)
        let count = try await apps.setJWKS(try await request.bodyText(context: context), for: id, by: context.caller)
        return try JSONResponse.make(["token_endpoint_auth_method": "private_key_jwt", "keys": "\(count)"])
    }

    @Sendable func collaborators(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await apps.collaborators(of: try id(context), for: context.caller).map(PersonBody.init), request, context)
    }

    struct CollaboratorInput: Decodable { let email: String? }
    /// The same answer whether or not the email has an account.
    struct InvitationBody: Encodable {
        let email: String
        let status: String
    }

    @Sendable func addCollaborator(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await apps.app(id, for: context.caller)
        let input = try await request.decodeJSON(CollaboratorInput.self, context: context)
        let email = try await apps.addCollaborator(email: input.email, to: id, by: context.caller)
        return try JSONResponse.make(InvitationBody(email: email, status: "invited"), status: .created)
    }

    struct VersionInput: Decodable {
        let version: String?
        let manifest: AnyJSON?
    }

    @Sendable func createVersion(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await apps.app(id, for: context.caller)
        let input = try await request.decodeJSON(VersionInput.self, context: context)
        let version = try await apps.createVersion(of: id, version: input.version, manifest: input.manifest?.value, by: context.caller)
        return try JSONResponse.make(VersionBody(version), status: .created)
    }

    @Sendable func listVersions(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await apps.versions(of: try id(context), for: context.caller).map(VersionBody.init), request, context)
    }

    @Sendable func promote(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let versionID = try context.parameters.id("vid", resource: "version")
        return try JSONResponse.make(VersionBody(try await apps.promote(versionID, of: try id(context), by: context.caller)))
    }

    @Sendable func appInstallations(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let app = try await apps.app(try id(context), for: context.caller)
        return try Pagination.respond(try await installations.list(ofApp: app.id).map(InstallationBody.init), request, context)
    }
}
