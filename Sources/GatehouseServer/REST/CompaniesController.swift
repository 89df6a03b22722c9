import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Company-scoped REST endpoints: companies, the company project list, company users, permission templates
/// and the caller's own permissions.
struct CompaniesController<Store: CompanyStore & ProjectStore & DirectoryStore & TemplateStore & InstallationStore>: Sendable {
    let store: Store
    let gate: RESTGate<Store>

    /// `/me` and `/companies` never need `Procore-Company-Id`; they are registered on the group that implies it.
    func addRoutes(impliedCompany group: RouterGroup<RESTRequestContext>, to rest: RouterGroup<RESTRequestContext>) {
        group.get("v1.0/companies", use: companies)
        rest.get("v1.0/companies/:id/projects", use: companyProjects)
        // Procore has served company users under every one of these versions; clients pin any of them.
        for version in ["v1.0", "v1.1", "v1.2", "v1.3"] {
            rest.get("\(version)/companies/:id/users", use: companyUsers)
        }
        rest.get("v1.0/companies/:id/permission_templates", use: templates)
        rest.get("v1.0/companies/:id/permission_templates/:tid", use: template)
        rest.get("v1.0/settings/permissions", use: permissions)
    }

    /// An app lists every company where it is installed and active; a traditional account, its own company.
    @Sendable func companies(_ request: Request, context: RESTRequestContext) async throws -> Response {
        try await gate.authorize(context, .principal)
        var companies: [Company] = []
        if let appID = context.principal.appID {
            companies = try await store.workingInstallations(appID: appID).map(\.company)
        } else if let company = try await store.company(id: context.principal.companyID) {
            companies = [company]
        }
        return try Pagination.respond(companies.map(CompanyBody.init), request, context)
    }

    @Sendable func companyProjects(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.portfolio, .readonly))
        let paging = try Pagination(request)
        let page = try await store.projects(companyID: company.id, limit: paging.limit, offset: paging.offset, activeOnly: true)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: company) }, headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func companyUsers(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.directory, .readonly))
        let paging = try Pagination(request)
        let page = try await store.directoryMembers(companyID: company.id, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(UserBody.init), headers: paging.headers(total: page.total, request: request, context: context))
    }

    @Sendable func templates(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.permissions, .readonly))
        return try Pagination.respond(try await store.templates(companyID: company.id, projectID: nil).map(TemplateBody.init), request, context)
    }

    @Sendable func template(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let company = try await gate.company(context)
        try await gate.authorize(context, .company(.permissions, .readonly))
        let id = try context.parameters.id("tid", resource: "permission template")
        guard let template = try await store.template(id: id, companyID: company.id) else { throw APIError.notFound("permission template") }
        return try JSONResponse.make(TemplateBody(template))
    }

    /// The caller's own levels: company levels with `company_id`, the membership's levels with `project_id`.
    @Sendable func permissions(_ request: Request, context: RESTRequestContext) async throws -> Response {
        let query = request.query
        let access = try await gate.authorize(context, .principal)
        let levels: (Tool) -> PermissionLevel
        let scope: Tool.Scope
        if let id = try query.integer("project_id", in: 1...Int64.max) {
            guard let project = try await store.project(id: id), project.companyID == context.principal.companyID else { throw APIError.notFound("project") }
            scope = .project
            levels = { access.effectiveLevel($0, inProject: project.id) }
        } else if let id = try query.integer("company_id", in: 1...Int64.max) {
            guard id == context.principal.companyID else { throw APIError.notFound("company") }
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
