import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Project endpoints: lists, show, create, project users and their add/remove actions, project templates.
struct ProjectsController<Store: CompanyStore & ProjectStore & PersonStore & DirectoryStore & TemplateStore & MembershipStore & SessionStore & AuditStore>: Sendable {
    let store: Store
    let directory: Directory<Store>
    let permissions: Permissions<Store>
    let gate: RESTGate<Store>

    func addRoutes(to group: RouterGroup<RESTRequestContext>) {
        group.get("v1.0/projects", use: list)
        group.get("v1.1/projects", use: list)
        group.post("v1.0/projects", use: create)
        group.get("v1.0/projects/:id", use: show)
        group.get("v1.0/projects/:id/users", use: users)
        group.post("v1.0/projects/:id/users/:user_id/actions/add", use: addUser)
        group.delete("v1.0/projects/:id/users/:user_id/actions/remove", use: removeUser)
        group.get("v1.0/projects/:id/permission_templates", use: templates)
    }

    /// Projects the caller is a member of, or every project when it sees them all. Never a 403.
    @Sendable func list(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let company = try await gate.queryCompany(request, context: context)
        let access = try await gate.authorize(context, .principal)
        let paging = try Pagination(request)
        let page = access.seesAllProjects
            ? try await store.projects(companyID: company.id, limit: paging.limit, offset: paging.offset, activeOnly: true)
            : try await store.memberProjects(companyID: company.id, personID: context.principal.contactID, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: company) }, headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func show(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .projectVisible)
        guard let company = try await store.company(id: project.companyID) else { throw APIError.notFound("project") }
        return try JSONResponse.make(ProjectBody(project, company: company))
    }

    struct CreateInput: Decodable {
        let company_id: Int64?
        let project: ProjectDraft?
    }

    @Sendable func create(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(CreateInput.self, context: context)
        let queryCompany = try request.query.integer("company_id", in: 1...Int64.max)
        guard let companyID = input.company_id ?? queryCompany else {
            throw APIError.unprocessable("company_id is required", fields: ["company_id": "is required"])
        }
        let company = try await gate.company(id: companyID, context)
        try await gate.authorize(context, .company(.portfolio, .standard))
        guard let draft = input.project else { throw APIError.unprocessable("project is required", fields: ["project": "is required"]) }
        let created = try await directory.createProject(draft, in: company, fieldPrefix: "project.", by: context.caller)
        return try JSONResponse.make(ProjectBody(created, company: company), status: .created)
    }

    @Sendable func users(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.directory, .readonly, orCompany: true))
        let paging = try Pagination(request)
        let page = try await permissions.members(of: project, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(UserBody.init), headers: paging.headers(total: page.total, request: request, context: context))
    }

    struct AddUserInput: Decodable {
        struct User: Decodable { let permission_template_id: Int64? }
        let user: User?
    }

    @Sendable func addUser(_ request: Request, context: RESTRequestContext) async throws -> Response {
        var request = request
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.directory, .admin, orCompany: true))
        let userID = try context.parameters.id("user_id", resource: "user")
        let input = try await request.decodeJSON(AddUserInput.self, context: context)
        guard let templateID = input.user?.permission_template_id else {
            throw APIError.unprocessable("user.permission_template_id is required", fields: ["user.permission_template_id": "is required"])
        }
        try await permissions.addMembership(person: userID, to: project, templateID: templateID, tools: nil, by: context.caller)
        return try JSONResponse.make(UserBody(try await permissions.member(userID, of: project)))
    }

    @Sendable func removeUser(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .project(.directory, .admin, orCompany: true))
        let userID = try context.parameters.id("user_id", resource: "user")
        do {
            try await permissions.removeMembership(person: userID, from: project, by: context.caller)
        } catch let error as DomainError where error.code == .notFound {
            throw APIError.notFound("project user")
        }
        return Response(status: .noContent)
    }

    @Sendable func templates(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let project = try await gate.project(context)
        try await gate.authorize(context, project: project, .company(.permissions, .readonly))
        return try Pagination.respond(try await store.templates(companyID: project.companyID, projectID: project.id).map(TemplateBody.init), request, context)
    }
}
