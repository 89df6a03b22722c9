import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// RFIs, the project tool that makes levels observable: the REST door to ``RFIs``. Served under v1.0 and v1.1, as
/// Procore's reference uses both. Each handler authorizes through ``RESTGate``, calls the service, and renders.
struct RFIController<Store: GatehouseRepository>: Sendable {
    let store: Store
    let rfis: RFIs<Store>
    let gate: RESTGate<Store>

    func addRoutes(to group: RouterGroup<RESTRequestContext>) {
        for version in ["v1.0", "v1.1"] {
            group.get("\(version)/projects/:id/rfis", use: list)
            group.post("\(version)/projects/:id/rfis", use: create)
            group.get("\(version)/projects/:id/rfis/:rfi_id", use: show)
            group.patch("\(version)/projects/:id/rfis/:rfi_id", use: update)
            group.delete("\(version)/projects/:id/rfis/:rfi_id", use: delete)
        }
    }

    private func id(_ context: RESTRequestContext) throws -> Int64 { try context.parameters.id("rfi_id", resource: "rfi") }

    private static func body(_ view: RFIView) -> RFIBody { RFIBody(view.rfi, people: view.people) }

    @Sendable func list(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .read))
        let paging = try Pagination(request)
        let page = try await rfis.list(in: project, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(Self.body), headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func show(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .read))
        return try JSONResponse.make(Self.body(try await rfis.show(try id(context), in: project)))
    }

    struct Input: Decodable { let rfi: RFIDraft? }

    private func draft(_ request: inout Request, _ context: RESTRequestContext) async throws -> RFIDraft {
        let input = try await request.decodeJSON(Input.self, context: context)
        guard let draft = input.rfi else { throw APIError.unprocessable("rfi is required", fields: ["rfi": "is required"]) }
        return draft
    }

    @Sendable func create(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .create))
        let created = try await rfis.create(try await draft(&request, context), in: project, author: context.principal.contactID, by: context.caller)
        return try JSONResponse.make(Self.body(created), status: .created)
    }

    @Sendable func update(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        let access = try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .edit))
        let id = try id(context)
        let draft = try await draft(&request, context)
        let updated = try await rfis.update(id, with: draft, in: project, level: access.effectiveLevel(.rfi, inProject: project.id),
                                            editor: context.principal.contactID, by: context.caller)
        return try JSONResponse.make(Self.body(updated))
    }

    @Sendable func delete(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .delete))
        try await rfis.delete(try id(context), in: project, by: context.caller)
        return Response(status: .noContent)
    }
}
