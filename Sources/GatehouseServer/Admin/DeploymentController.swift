import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `POST /admin/v1/apply` and `GET /admin/v1/export` (operators only): doors to ``Deployments``.
struct DeploymentController<Store: GatehouseRepository>: Sendable {
    let deployments: Deployments<Store>

    /// A document of a thousand accounts is a few hundred kilobytes; every other body stays at 64 KiB.
    static var maxDocumentSize: Int { 16 * 1024 * 1024 }

    func addRoutes(operator group: RouterGroup<AdminRequestContext>) {
        group.post("apply", use: apply)
        group.get("export", use: export)
    }

    @Sendable func apply(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = request.query
        let dryRun = try query.bool("dry_run") ?? false
        let prune = try query.bool("prune") ?? false
        var request = request
        let body = try await request.decodeJSON(AnyJSON.self, context: context, limit: Self.maxDocumentSize)
        let document = try DeploymentDocument(reading: body.value)
        let plan = try await deployments.apply(document, dryRun: dryRun, prune: prune, by: context.caller)
        return try JSONResponse.make(PlanBody(plan, dryRun: dryRun))
    }

    @Sendable func export(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let document = try await deployments.export(company: try request.query.text("company"), by: context.caller)
        var response = Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: .init(data: document.json)))
        response.headers[.contentDisposition] = "inline"
        return response
    }
}

/// The plan's wire shape (spec §6).
struct PlanBody: Encodable {
    struct Change: Encodable {
        let action: String
        let kind: String
        let name: String
        let fields: [String]
    }
    struct Credential: Encodable {
        let kind: String
        let name: String
        let client_id: String
        let client_secret: String
    }
    let dry_run: Bool
    let changes: [Change]
    let credentials: [Credential]?

    init(_ plan: DeploymentPlan, dryRun: Bool) {
        dry_run = dryRun
        changes = plan.changes.map { Change(action: $0.action.rawValue, kind: $0.kind, name: $0.name, fields: $0.fields) }
        credentials = dryRun ? nil : plan.credentials.map { Credential(kind: $0.kind, name: $0.name, client_id: $0.clientID, client_secret: $0.clientSecret.value) }
    }
}
