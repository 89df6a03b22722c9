import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/companies/{cid}/service_accounts`: the doors to ``ServiceAccounts``.
struct ServiceAccountsController<Store: GatehouseRepository>: Sendable {
    let accounts: ServiceAccounts<Store>

    func addRoutes(company: RouterGroup<CompanyRequestContext>) {
        company.post("service_accounts", use: create)
        company.get("service_accounts", use: list)
        company.get("service_accounts/:id", use: show)
        company.post("service_accounts/:id/reset_secret", use: resetSecret)
        company.post("service_accounts/:id/rotate_secret", use: rotateSecret)
        company.get("service_accounts/:id/secrets", use: listSecrets)
        company.delete("service_accounts/:id/secrets/:secret_id", use: retireSecret)
        company.post("service_accounts/:id/disable", use: disable)
        company.post("service_accounts/:id/enable", use: enable)
        company.delete("service_accounts/:id", use: delete)
        company.put("service_accounts/:id/jwks", use: setJWKS)
    }

    private func id(_ context: CompanyRequestContext) throws -> Int64 { try context.parameters.id("id", resource: "service account") }

    @Sendable func create(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let draft = try await request.decodeJSON(ServiceAccountDraft.self, context: context)
        let (view, secret) = try await accounts.create(draft, in: context.company, by: context.caller)
        return try JSONResponse.make(ServiceAccountBody(view, secret: secret), status: .created, headers: .noStore)
    }

    @Sendable func list(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try Pagination.respond(try await accounts.list(in: context.company).map { ServiceAccountBody($0) }, request, context)
    }

    @Sendable func show(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(ServiceAccountBody(try await accounts.show(try id(context), in: context.company)))
    }

    @Sendable func resetSecret(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let reset = try await accounts.resetSecret(try id(context), in: context.company, by: context.caller)
        return try JSONResponse.make(SecretAnswer(body: ServiceAccountBody(reset.view, secret: reset.secret), secret_id: reset.secretID, secrets: nil), headers: .noStore)
    }

    struct RotateInput: Decodable { let previous_expires_in: Int? }

    @Sendable func rotateSecret(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let input: RotateInput = request.hasNoBody ? RotateInput(previous_expires_in: nil) : try await request.decodeJSON(RotateInput.self, context: context)
        let rotated = try await accounts.rotateSecret(try id(context), in: context.company, previousExpiresIn: input.previous_expires_in, by: context.caller)
        let newest = rotated.secrets.max { $0.id < $1.id }
        return try JSONResponse.make(SecretAnswer(
            body: ServiceAccountBody(rotated.view, secret: rotated.secret), secret_id: newest?.id ?? 0, secrets: rotated.secrets.map(SecretBody.init)
        ), headers: .noStore)
    }

    @Sendable func listSecrets(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try Pagination.respond(try await accounts.activeSecrets(try id(context), in: context.company).map(SecretBody.init), request, context)
    }

    @Sendable func retireSecret(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let secretID = try context.parameters.id("secret_id", resource: "secret")
        try await accounts.retireSecret(secretID, of: try id(context), in: context.company, by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func disable(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(ServiceAccountBody(try await accounts.setEnabled(false, try id(context), in: context.company, by: context.caller)))
    }

    @Sendable func enable(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(ServiceAccountBody(try await accounts.setEnabled(true, try id(context), in: context.company, by: context.caller)))
    }

    @Sendable func delete(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try await accounts.delete(try id(context), in: context.company, by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func setJWKS(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try id(context)
        let json = try await request.bodyText(context: context)
        let count = try await accounts.setJWKS(json, for: id, in: context.company, by: context.caller)
        return try JSONResponse.make(["token_endpoint_auth_method": "private_key_jwt", "keys": "\(count)"])
    }
}
