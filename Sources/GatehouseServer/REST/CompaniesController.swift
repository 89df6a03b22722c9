import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Company-scoped REST endpoints: companies, the company project list, company users, permission templates
/// and the caller's own permissions.
struct CompaniesController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    var gate: RESTGate<Repository> { RESTGate(repository: repository) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("v1.0/companies", use: companies)
        group.get("v1.0/companies/:id/projects", use: companyProjects)
        group.get("v1.1/companies/:id/users", use: companyUsers)
        group.get("v1.3/companies/:id/users", use: companyUsers)
        group.get("v1.0/companies/:id/permission_templates", use: templates)
        group.get("v1.0/companies/:id/permission_templates/:tid", use: template)
        group.get("v1.0/settings/permissions", use: permissions)
    }

    @Sendable func companies(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, _) = try await gate.authorize(context, .principal)
        var companies: [Company] = []
        if let appID = principal.appID {
            // An app lists every company where it is installed and active.
            for installation in try await repository.installations(appID: appID) where installation.isActive {
                if let company = try await repository.company(id: installation.companyID) { companies.append(company) }
            }
        } else if let company = try await repository.company(id: principal.companyID) {
            companies = [company]
        }
        return try JSONResponse.make(companies.map(CompanyRESTBody.init))
    }

    @Sendable func companyProjects(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.portfolio, .readonly))
        let paging = try Pagination(request)
        let page = try await repository.projects(companyID: company.id, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: company) }, headers: paging.headers(total: page.total, request: request))
    }

    @Sendable func companyUsers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.directory, .readonly))
        let paging = try Pagination(request)
        let page = try await repository.directoryMembers(companyID: company.id, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(UserBody.init), headers: paging.headers(total: page.total, request: request))
    }

    @Sendable func templates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.permissions, .readonly))
        return try JSONResponse.make(try await repository.templates(companyID: company.id, projectID: nil).map(TemplateBody.init))
    }

    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.permissions, .readonly))
        let id = try context.parameters.id("tid", resource: "permission template")
        guard let template = try await repository.template(id: id, companyID: company.id) else { throw APIError.notFound("permission template") }
        return try JSONResponse.make(TemplateBody(template))
    }

    /// The caller's own levels: company levels with `company_id`, the membership's levels with `project_id`.
    @Sendable func permissions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let (principal, access) = try await gate.authorize(context, .principal)
        let levels: (Tool) -> PermissionLevel
        let scope: Tool.Scope
        if let rawProject = query["project_id"] {
            guard let id = Int64(String(rawProject)), id > 0 else {
                throw APIError.badRequest("project_id must be a positive integer", code: "invalid_parameter", fields: ["project_id": "must be a positive integer"])
            }
            guard let project = try await repository.project(id: id), project.companyID == principal.companyID else { throw APIError.notFound("project") }
            scope = .project
            levels = { access.isCompanyAdmin ? .admin : access.level($0, inProject: project.id) }
        } else if let rawCompany = query["company_id"] {
            guard let id = Int64(String(rawCompany)), id > 0 else {
                throw APIError.badRequest("company_id must be a positive integer", code: "invalid_parameter", fields: ["company_id": "must be a positive integer"])
            }
            guard id == principal.companyID else { throw APIError.notFound("company") }
            scope = .company
            levels = { access.companyLevels[$0] }
        } else {
            throw APIError.badRequest("company_id or project_id is required", code: "invalid_parameter", fields: ["company_id": "or project_id is required"])
        }
        let tools = ToolCatalog.tools(in: scope).map {
            PermissionsBody.ToolBody(id: $0.id, name: $0.key, friendly_name: $0.friendlyName, user_access_level: LevelBody(levels($0)))
        }
        return try JSONResponse.make(PermissionsBody(tools: tools))
    }
}
