import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Project endpoints: lists, show, create, project users and their add/remove actions, project templates.
struct ProjectsController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    var gate: RESTGate<Repository> { RESTGate(repository: repository) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("v1.0/projects", use: list)
        group.get("v1.1/projects", use: list)
        group.post("v1.0/projects", use: create)
        group.get("v1.0/projects/:id", use: show)
        group.get("v1.0/projects/:id/users", use: users)
        group.post("v1.0/projects/:id/users/:user_id/actions/add", use: addUser)
        group.delete("v1.0/projects/:id/users/:user_id/actions/remove", use: removeUser)
        group.get("v1.0/projects/:id/permission_templates", use: templates)
    }

    /// Projects the caller is a member of, or every project with `portfolio` ≥ readonly. Never a 403.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await gate.queryCompany(request, context: context)
        let (principal, access) = try await gate.authorize(context, .principal)
        let paging = try Pagination(request)
        let page = access.isCompanyAdmin || access.companyLevels[.portfolio] >= .readonly
            ? try await repository.projects(companyID: company.id, limit: paging.limit, offset: paging.offset)
            : try await repository.memberProjects(companyID: company.id, personID: principal.contactID, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: company) }, headers: paging.headers(total: page.total, request: request))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .projectVisible)
        guard let company = try await repository.company(id: project.companyID) else { throw APIError.notFound("project") }
        return try JSONResponse.make(ProjectBody(project, company: company))
    }

    struct CreateInput: Decodable {
        let company_id: Int64?
        let project: AdminController<Repository>.ProjectInput?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let principal = try context.requirePrincipal()
        let input = try await request.decodeJSON(CreateInput.self, context: context)
        guard let companyID = input.company_id ?? request.uri.queryParameters.get("company_id", as: Int64.self) else {
            throw APIError.unprocessable("company_id is required", fields: ["company_id": "is required"])
        }
        guard companyID == principal.companyID, let company = try await repository.company(id: companyID) else { throw APIError.notFound("company") }
        try await gate.authorize(context, .company(.portfolio, .standard))
        guard let projectInput = input.project else { throw APIError.unprocessable("project is required", fields: ["project": "is required"]) }
        let project = try AdminController<Repository>.validate(projectInput, companyID: company.id, fieldPrefix: "project.")
        let created = try await repository.createProject(project)
        await auditor.record("project.create", actor: "contact:\(principal.contactID)", target: "project:\(created.id)", context: context)
        return try JSONResponse.make(ProjectBody(created, company: company), status: .created)
    }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.directory, .readonly, orCompany: true))
        let paging = try Pagination(request)
        let page = try await repository.projectMembers(projectID: project.id, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(UserBody.init), headers: paging.headers(total: page.total, request: request))
    }

    struct AddUserInput: Decodable {
        struct User: Decodable { let permission_template_id: Int64? }
        let user: User?
    }

    @Sendable func addUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        let (principal, _) = try await gate.authorize(context, project: project, .project(.directory, .admin, orCompany: true))
        let userID = try context.parameters.id("user_id", resource: "user")
        let input = try await request.decodeJSON(AddUserInput.self, context: context)
        guard let templateID = input.user?.permission_template_id else {
            throw APIError.unprocessable("user.permission_template_id is required", fields: ["user.permission_template_id": "is required"])
        }
        guard try await repository.person(id: userID) != nil else { throw APIError.notFound("user") }
        try await repository.addMembership(projectID: project.id, personID: userID, templateID: templateID, levels: nil)
        await auditor.record("membership.add", actor: "contact:\(principal.contactID)", target: "project:\(project.id)/person:\(userID)", detail: "template \(templateID)", context: context)
        let member = try await repository.projectMembers(projectID: project.id, limit: Pagination.maxPerPage, offset: 0).items.first { $0.person.id == userID }
        guard let member else { throw APIError.notFound("user") }
        return try JSONResponse.make(UserBody(member))
    }

    @Sendable func removeUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        let (principal, _) = try await gate.authorize(context, project: project, .project(.directory, .admin, orCompany: true))
        let userID = try context.parameters.id("user_id", resource: "user")
        guard try await repository.removeMembership(projectID: project.id, personID: userID) else { throw APIError.notFound("project user") }
        await auditor.record("membership.remove", actor: "contact:\(principal.contactID)", target: "project:\(project.id)/person:\(userID)", context: context)
        return Response(status: .noContent)
    }

    @Sendable func templates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .company(.permissions, .readonly))
        return try JSONResponse.make(try await repository.templates(companyID: project.companyID, projectID: project.id).map(TemplateBody.init))
    }
}
