import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// RFIs: the project tool that makes levels observable. Who may do what is ``RFIPolicy``'s; the fields'
/// rules are ``RFIDraft``'s. Served under v1.0 and v1.1, as Procore's reference uses both.
struct RFIController<Store: RFIStore & DirectoryStore & ProjectStore & CompanyStore & PersonStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock
    var gate: RESTGate<Store> { RESTGate(store: store) }

    func addRoutes(to group: RouterGroup<RESTRequestContext>) {
        for version in ["v1.0", "v1.1"] {
            group.get("\(version)/projects/:id/rfis", use: list)
            group.post("\(version)/projects/:id/rfis", use: create)
            group.get("\(version)/projects/:id/rfis/:rfi_id", use: show)
            group.patch("\(version)/projects/:id/rfis/:rfi_id", use: update)
            group.delete("\(version)/projects/:id/rfis/:rfi_id", use: delete)
        }
    }

    private func rfi(_ context: RESTRequestContext, project: Project) async throws -> RFI {
        let id = try context.parameters.id("rfi_id", resource: "rfi")
        guard let rfi = try await store.rfi(id: id, projectID: project.id) else { throw APIError.notFound("rfi") }
        return rfi
    }

    /// The people an RFI names, in Procore's `{id, login, name}` shape.
    private func body(_ rfi: RFI) async throws -> RFIBody {
        var people: [Int64: Person] = [:]
        for id in [rfi.createdByID, rfi.rfiManagerID].compactMap({ $0 }) where people[id] == nil {
            people[id] = try await store.person(id: id)
        }
        return RFIBody(rfi, people: people)
    }

    @Sendable func list(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .read))
        let paging = try Pagination(request)
        let page = try await store.rfis(projectID: project.id, limit: paging.limit, offset: paging.offset)
        var bodies: [RFIBody] = []
        for rfi in page.items { bodies.append(try await body(rfi)) }
        return try JSONResponse.make(bodies, headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func show(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .read))
        return try JSONResponse.make(try await body(try await rfi(context, project: project)))
    }

    struct Input: Decodable { let rfi: RFIDraft? }

    /// The RFI manager must be in the project's company directory.
    private func checkManager(_ draft: RFIDraft, project: Project) async throws {
        guard let manager = draft.rfi_manager_id else { return }
        if try await store.companyLevels(companyID: project.companyID, personID: manager) == nil {
            throw ValidationError("invalid rfi", fields: ["rfi.rfi_manager_id": "is not a user of this company"])
        }
    }

    @Sendable func create(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .create))
        let input = try await request.decodeJSON(Input.self, context: context)
        guard let draft = input.rfi else { throw APIError.unprocessable("rfi is required", fields: ["rfi": "is required"]) }
        let (subject, questionBody) = try draft.validatedForCreate()
        try await checkManager(draft, project: project)
        let rfi = try await store.createRFI(projectID: project.id, subject: subject, questionBody: questionBody, rfiManagerID: draft.rfi_manager_id,
                                            createdByID: context.principal.contactID, at: clock.now)
        await auditor.record("rfi.create", by: context.caller, target: "rfi:\(rfi.id)")
        return try JSONResponse.make(try await body(rfi), status: .created)
    }

    @Sendable func update(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        let access = try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .edit))
        let existing = try await rfi(context, project: project)
        guard RFIPolicy.canEdit(access.effectiveLevel(.rfi, inProject: project.id), isAuthor: existing.createdByID == context.principal.contactID) else {
            throw APIError.forbidden("Standard RFI access may only edit RFIs it created")
        }
        let input = try await request.decodeJSON(Input.self, context: context)
        guard let draft = input.rfi else { throw APIError.unprocessable("rfi is required", fields: ["rfi": "is required"]) }
        let updated = try draft.applied(to: existing, at: clock.now)
        try await checkManager(draft, project: project)
        try await store.updateRFI(updated)
        await auditor.record("rfi.update", by: context.caller, target: "rfi:\(updated.id)")
        return try JSONResponse.make(try await body(updated))
    }

    @Sendable func delete(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, RFIPolicy.requirement(for: .delete))
        let rfi = try await rfi(context, project: project)
        try await store.deleteRFI(id: rfi.id, projectID: project.id)
        await auditor.record("rfi.delete", by: context.caller, target: "rfi:\(rfi.id)")
        return Response(status: .noContent)
    }
}
