import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1` doors to ``Permissions``: company tool levels, templates and project memberships.
struct PermissionsController<Store: DirectoryStore & TemplateStore & MembershipStore & ProjectStore & PersonStore & AuditStore & CompanyStore & SessionStore>: Sendable {
    let permissions: Permissions<Store>
    let directory: Directory<Store>

    func addRoutes(company: RouterGroup<CompanyRequestContext>, project: RouterGroup<CompanyRequestContext>) {
        company.get("people/:pid/permissions", use: companyLevels)
        company.put("people/:pid/permissions", use: setCompanyLevels)
        company.post("permission_templates", use: createTemplate)
        company.get("permission_templates", use: listTemplates)
        company.get("permission_templates/:tid", use: showTemplate)
        company.patch("permission_templates/:tid", use: updateTemplate)
        company.delete("permission_templates/:tid", use: deleteTemplate)
        project.post("memberships", use: addMembership)
        project.delete("memberships/:person_id", use: removeMembership)
        project.patch("memberships/:person_id", use: updateMembership)
        project.get("memberships", use: memberships)
    }

    private func levelsBody(_ levels: ToolLevels, scope: Tool.Scope) -> [String: [String: String]] {
        ["tools": Dictionary(uniqueKeysWithValues: ToolCatalog.tools(in: scope).map { ($0.key, levels[$0].rawValue) })]
    }

    @Sendable func companyLevels(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let person = try context.parameters.id("pid", resource: "person")
        return try JSONResponse.make(levelsBody(try await permissions.companyLevels(of: person, in: context.company), scope: .company))
    }

    struct LevelsInput: Decodable { let tools: [String: String]? }

    /// Replaces every company level; tools left out go to `none`. Applies to the very next request.
    @Sendable func setCompanyLevels(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let person = try context.parameters.id("pid", resource: "person")
        let input = try await request.decodeJSON(LevelsInput.self, context: context)
        guard let tools = input.tools else { throw APIError.unprocessable("tools is required", fields: ["tools": "is required"]) }
        let levels = try await permissions.setCompanyLevels(tools, of: person, in: context.company, by: context.caller)
        return try JSONResponse.make(levelsBody(levels, scope: .company))
    }

    struct TemplateInput: Decodable {
        let name: String?
        let project_id: Int64?
        let tools: [String: String]?
    }

    @Sendable func createTemplate(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(TemplateInput.self, context: context)
        let template = try await permissions.createTemplate(name: input.name, projectID: input.project_id, tools: input.tools, in: context.company, by: context.caller)
        return try JSONResponse.make(AdminTemplateBody(template), status: .created)
    }

    @Sendable func listTemplates(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try Pagination.respond(try await permissions.templates(of: context.company).map(AdminTemplateBody.init), request, context)
    }

    @Sendable func showTemplate(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("tid", resource: "permission template")
        return try JSONResponse.make(AdminTemplateBody(try await permissions.template(id, in: context.company)))
    }

    @Sendable func updateTemplate(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.id("tid", resource: "permission template")
        _ = try await permissions.template(id, in: context.company)
        let input = try await request.decodeJSON(TemplateInput.self, context: context)
        let template = try await permissions.updateTemplate(id, name: input.name, projectID: input.project_id, tools: input.tools, in: context.company, by: context.caller)
        return try JSONResponse.make(AdminTemplateBody(template))
    }

    @Sendable func deleteTemplate(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("tid", resource: "permission template")
        try await permissions.deleteTemplate(id, in: context.company, by: context.caller)
        return Response(status: .noContent)
    }

    struct MembershipInput: Decodable {
        let person_id: Int64?
        let permission_template_id: Int64?
        let tools: [String: String]?
    }

    private func project(_ context: CompanyRequestContext) async throws -> Project {
        try await directory.project(try context.parameters.id("pid", resource: "project"), in: context.company)
    }

    @Sendable func updateMembership(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let project = try await project(context)
        let personID = try context.parameters.id("person_id", resource: "person")
        let input = try await request.decodeJSON(MembershipInput.self, context: context)
        try await permissions.updateMembership(person: personID, in: project, templateID: input.permission_template_id, tools: input.tools, by: context.caller)
        return try JSONResponse.make(["project_id": project.id, "person_id": personID])
    }

    @Sendable func addMembership(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        var request = request
        let project = try await project(context)
        let input = try await request.decodeJSON(MembershipInput.self, context: context)
        guard let personID = input.person_id else { throw APIError.unprocessable("person_id is required", fields: ["person_id": "is required"]) }
        try await permissions.addMembership(person: personID, to: project, templateID: input.permission_template_id, tools: input.tools, by: context.caller)
        return try JSONResponse.make(["project_id": project.id, "person_id": personID], status: .created)
    }

    @Sendable func removeMembership(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let project = try await project(context)
        let personID = try context.parameters.id("person_id", resource: "membership")
        try await permissions.removeMembership(person: personID, from: project, by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func memberships(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let paging = try Pagination(request)
        let page = try await permissions.members(of: try await project(context), limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(UserBody.init), headers: paging.headers(total: page.total, request: request, context: context))
    }
}
