import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/companies/{cid}/installations`: the doors to ``Installations``.
struct InstallationsController<Store: GatehouseRepository>: Sendable {
    let installations: Installations<Store>

    func addRoutes(company: RouterGroup<CompanyRequestContext>) {
        company.post("installations", use: install)
        company.get("installations", use: list)
        company.get("installations/:iid", use: show)
        company.post("installations/:iid/upgrade", use: upgrade)
        company.put("installations/:iid/permitted_projects", use: setPermittedProjects)
        company.get("installations/:iid/permitted_projects", use: permittedProjects)
        company.delete("installations/:iid", use: uninstall)
        company.patch("installations/:iid", use: update)
    }

    private func id(_ context: CompanyRequestContext) throws -> Int64 { try context.parameters.id("iid", resource: "installation") }

    struct VersionKeyInput: Decodable { let version_key: String? }

    @Sendable func install(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(VersionKeyInput.self, context: context)
        let view = try await installations.install(versionKey: input.version_key, in: context.company, by: context.caller)
        return try JSONResponse.make(InstallationBody(view), status: .created)
    }

    @Sendable func upgrade(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await installations.activeInstallation(id, in: context.company)
        let input = try await request.decodeJSON(VersionKeyInput.self, context: context)
        return try JSONResponse.make(InstallationBody(try await installations.upgrade(id, in: context.company, versionKey: input.version_key, by: context.caller)))
    }

    @Sendable func list(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try Pagination.respond(try await installations.list(in: context.company).map(InstallationBody.init), request, context)
    }

    @Sendable func show(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(InstallationBody(try await installations.show(try id(context), in: context.company)))
    }

    struct PermittedInput: Decodable { let project_ids: [Int64]? }

    @Sendable func setPermittedProjects(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await installations.activeInstallation(id, in: context.company)
        let input = try await request.decodeJSON(PermittedInput.self, context: context)
        let ids = try await installations.setPermittedProjects(input.project_ids, of: id, in: context.company, by: context.caller)
        return try JSONResponse.make(["project_ids": ids])
    }

    @Sendable func permittedProjects(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(["project_ids": try await installations.permittedProjects(of: try id(context), in: context.company)])
    }

    struct UpdateInput: Decodable { let add_to_new_projects: Bool? }

    /// `{"add_to_new_projects": true}`: projects created later in the company get the app's contact at once.
    @Sendable func update(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        _ = try await installations.activeInstallation(id, in: context.company)
        let input = try await request.decodeJSON(UpdateInput.self, context: context)
        guard let enabled = input.add_to_new_projects else {
            throw APIError.unprocessable("add_to_new_projects is required", fields: ["add_to_new_projects": "is required (true or false)"])
        }
        return try JSONResponse.make(InstallationBody(try await installations.setAddToNewProjects(enabled, of: id, in: context.company, by: context.caller)))
    }

    @Sendable func uninstall(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try await installations.uninstall(try id(context), in: context.company, by: context.caller)
        return Response(status: .noContent)
    }
}
