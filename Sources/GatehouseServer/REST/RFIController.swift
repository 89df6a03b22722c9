import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// RFIs: the project tool that makes levels observable. Readonly reads, standard creates and edits its own,
/// admin does anything.
struct RFIController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    let clock: any GatehouseCore.Clock
    var gate: RESTGate<Repository> { RESTGate(repository: repository) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("v1.0/projects/:id/rfis", use: list)
        group.post("v1.0/projects/:id/rfis", use: create)
        group.get("v1.0/projects/:id/rfis/:rfi_id", use: show)
        group.patch("v1.0/projects/:id/rfis/:rfi_id", use: update)
        group.delete("v1.0/projects/:id/rfis/:rfi_id", use: delete)
    }

    /// The caller's effective RFI level on the project; a company admin has admin everywhere.
    private func level(_ access: Access, _ project: Project) -> PermissionLevel {
        access.isCompanyAdmin ? .admin : access.level(.rfi, inProject: project.id)
    }

    private func rfi(_ context: AppRequestContext, project: Project) async throws -> RFI {
        let id = try context.parameters.id("rfi_id", resource: "rfi")
        guard let rfi = try await repository.rfi(id: id, projectID: project.id) else { throw APIError.notFound("rfi") }
        return rfi
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.rfi, .readonly, orCompany: false))
        let paging = try Pagination(request)
        let page = try await repository.rfis(projectID: project.id, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(RFIBody.init), headers: paging.headers(total: page.total, request: request))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.rfi, .readonly, orCompany: false))
        return try JSONResponse.make(RFIBody(try await rfi(context, project: project)))
    }

    struct Input: Decodable {
        struct Question: Decodable { let body: String? }
        struct Fields: Decodable {
            let subject: String?
            let question: Question?
            let rfi_manager_id: Int64?
            let status: String?
        }
        let rfi: Fields?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        let (principal, _) = try await gate.authorize(context, project: project, .project(.rfi, .standard, orCompany: false))
        let input = try await request.decodeJSON(Input.self, context: context)
        guard let fields = input.rfi else { throw APIError.unprocessable("rfi is required", fields: ["rfi": "is required"]) }
        var errors: [String: String] = [:]
        let subject = cleaned(fields.subject), body = cleaned(fields.question?.body)
        if subject == nil { errors["rfi.subject"] = "is required" }
        if let subject, subject.count > 255 { errors["rfi.subject"] = "at most 255 characters" }
        if body == nil { errors["rfi.question.body"] = "is required" }
        if let manager = fields.rfi_manager_id, try await !isInDirectory(manager, company: project.companyID) {
            errors["rfi.rfi_manager_id"] = "is not a user of this company"
        }
        guard errors.isEmpty, let subject, let body else { throw APIError.unprocessable("invalid rfi", fields: errors) }
        let rfi = try await repository.createRFI(projectID: project.id, subject: subject, questionBody: body, rfiManagerID: fields.rfi_manager_id, createdByID: principal.contactID, at: clock.now)
        await auditor.record("rfi.create", actor: "contact:\(principal.contactID)", target: "rfi:\(rfi.id)", context: context)
        return try JSONResponse.make(RFIBody(rfi), status: .created)
    }

    private func isInDirectory(_ personID: Int64, company: Int64) async throws -> Bool {
        try await repository.companyLevels(companyID: company, personID: personID) != nil
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        let (principal, access) = try await gate.authorize(context, project: project, .project(.rfi, .standard, orCompany: false))
        var rfi = try await rfi(context, project: project)
        guard RFIPolicy.canEdit(level(access, project), isAuthor: rfi.createdByID == principal.contactID) else {
            throw APIError.forbidden("Standard RFI access may only edit RFIs it created")
        }
        let input = try await request.decodeJSON(Input.self, context: context)
        guard let fields = input.rfi else { throw APIError.unprocessable("rfi is required", fields: ["rfi": "is required"]) }
        var errors: [String: String] = [:]
        if let subject = fields.subject {
            if let s = cleaned(subject), s.count <= 255 { rfi.subject = s } else { errors["rfi.subject"] = "must be 1 to 255 characters" }
        }
        if let question = fields.question {
            if let b = cleaned(question.body) { rfi.questionBody = b } else { errors["rfi.question.body"] = "must not be empty" }
        }
        if let status = fields.status {
            if RFI.statuses.contains(status) { rfi.status = status } else { errors["rfi.status"] = "must be one of \(RFI.statuses.joined(separator: ", "))" }
        }
        if let manager = fields.rfi_manager_id {
            if try await isInDirectory(manager, company: project.companyID) { rfi.rfiManagerID = manager } else { errors["rfi.rfi_manager_id"] = "is not a user of this company" }
        }
        guard errors.isEmpty else { throw APIError.unprocessable("invalid rfi", fields: errors) }
        rfi.updatedAt = clock.now
        try await repository.updateRFI(rfi)
        await auditor.record("rfi.update", actor: "contact:\(principal.contactID)", target: "rfi:\(rfi.id)", context: context)
        return try JSONResponse.make(RFIBody(rfi))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        let (principal, _) = try await gate.authorize(context, project: project, .project(.rfi, .admin, orCompany: false))
        let rfi = try await rfi(context, project: project)
        try await repository.deleteRFI(id: rfi.id, projectID: project.id)
        await auditor.record("rfi.delete", actor: "contact:\(principal.contactID)", target: "rfi:\(rfi.id)", context: context)
        return Response(status: .noContent)
    }
}
