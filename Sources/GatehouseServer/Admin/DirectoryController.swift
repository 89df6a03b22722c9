import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1` doors to ``Directory``: companies, projects, users, people and directory entries.
struct DirectoryController<Store: CompanyStore & ProjectStore & PersonStore & DirectoryStore & SessionStore & AuditStore>: Sendable {
    let directory: Directory<Store>

    func addRoutes(operator group: RouterGroup<AdminRequestContext>, company: RouterGroup<CompanyRequestContext>) {
        group.post("companies", use: createCompany)
        group.get("companies", use: listCompanies)
        group.patch("people/:id", use: updatePerson)
        company.get("", use: showCompany)
        company.patch("", use: updateCompany)
        company.get("audit", use: companyAudit)
        company.post("projects", use: createProject)
        company.get("projects", use: listProjects)
        company.patch("projects/:pid", use: updateProject)
        company.delete("projects/:pid", use: archiveProject)
        company.post("users", use: createUser)
        company.post("directory", use: addToDirectory)
        company.get("directory", use: listDirectory)
        company.delete("directory/:pid", use: removeFromDirectory)
    }

    struct CompanyInput: Decodable { let name: String? }

    @Sendable func createCompany(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(CompanyInput.self, context: context)
        return try JSONResponse.make(CompanyBody(try await directory.createCompany(name: input.name, by: context.caller)), status: .created)
    }

    @Sendable func listCompanies(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(try await directory.companies().map(CompanyBody.init), request, context)
    }

    @Sendable func showCompany(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try JSONResponse.make(CompanyBody(context.company))
    }

    /// The company's own audit entries, for its admins as well as operators.
    @Sendable func companyAudit(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try await AuditQuery.respond(request, context, store: directory.store, company: context.company.id)
    }

    @Sendable func updateCompany(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let patch = try await request.decodeJSON(CompanyPatch.self, context: context)
        return try JSONResponse.make(CompanyBody(try await directory.updateCompany(context.company, patch, by: context.caller)))
    }

    @Sendable func createProject(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let draft = try await request.decodeJSON(ProjectDraft.self, context: context)
        let project = try await directory.createProject(draft, in: context.company, by: context.caller)
        return try JSONResponse.make(ProjectBody(project, company: context.company), status: .created)
    }

    @Sendable func updateProject(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.id("pid", resource: "project")
        let patch = try await request.decodeJSON(ProjectDraft.self, context: context)
        return try JSONResponse.make(ProjectBody(try await directory.updateProject(id, in: context.company, patch, by: context.caller), company: context.company))
    }

    /// Procore archives rather than deletes (`active: false`); so does `DELETE`, answering the archived project.
    @Sendable func archiveProject(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("pid", resource: "project")
        var archive = ProjectDraft()
        archive.active = false
        return try JSONResponse.make(ProjectBody(try await directory.updateProject(id, in: context.company, archive, by: context.caller), company: context.company))
    }

    @Sendable func listProjects(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let paging = try Pagination(request)
        let page = try await directory.projects(in: context.company, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: context.company) }, headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func createUser(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let draft = try await request.decodeJSON(UserDraft.self, context: context)
        return try JSONResponse.make(PersonBody(try await directory.createUser(draft, in: context.company, by: context.caller)), status: .created)
    }

    @Sendable func updatePerson(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.id("id", resource: "person")
        let patch = try await request.decodeJSON(PersonPatch.self, context: context)
        return try JSONResponse.make(PersonBody(try await directory.updatePerson(id, patch, by: context.caller)))
    }

    struct DirectoryInput: Decodable {
        let email: String?
        let person_id: Int64?
    }

    /// By exact email for everyone; by id for operators only, so a company admin cannot walk other tenants'
    /// people by guessing ids.
    @Sendable func addToDirectory(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(DirectoryInput.self, context: context)
        let person: Person
        switch (input.email, input.person_id) {
        case (let email?, nil):
            person = try await directory.addToDirectory(email: email, in: context.company, by: context.caller)
        case (nil, let id?):
            person = try await directory.addToDirectory(personID: id, in: context.company, by: context.caller)
        default:
            throw APIError.unprocessable("give email (or, as an operator, person_id)", fields: ["email": "is required"])
        }
        return try JSONResponse.make(PersonBody(person), status: .created)
    }

    @Sendable func removeFromDirectory(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try await directory.removeFromDirectory(personID: try context.parameters.id("pid", resource: "person"), in: context.company, by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func listDirectory(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let paging = try Pagination(request)
        let page = try await directory.directory(of: context.company, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map { PersonBody($0.person) }, headers: paging.headers(total: page.total, request: request, context: context))
    }
}
