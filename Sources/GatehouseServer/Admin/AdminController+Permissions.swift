import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import HummingbirdBcrypt
import NIOPosix

/// Admin endpoints for the permission model: company tool levels, templates, memberships, the directory
/// and people.
extension AdminController {
    func addPermissionRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("companies/:cid/people/:pid/permissions", use: companyPermissions)
        group.put("companies/:cid/people/:pid/permissions", use: setCompanyPermissions)
        group.post("companies/:cid/permission_templates", use: createTemplate)
        group.get("companies/:cid/permission_templates", use: listTemplates)
        group.get("companies/:cid/permission_templates/:tid", use: showTemplate)
        group.patch("companies/:cid/permission_templates/:tid", use: updateTemplate)
        group.delete("companies/:cid/permission_templates/:tid", use: deleteTemplate)
        group.post("companies/:cid/directory", use: addToDirectory)
        group.get("companies/:cid/directory", use: directory)
        group.post("projects/:pid/memberships", use: addMembership)
        group.delete("projects/:pid/memberships/:person_id", use: removeMembership)
        group.get("projects/:pid/memberships", use: memberships)
        group.patch("people/:id", use: updatePerson)
    }

    // MARK: company tool levels

    struct LevelsInput: Decodable { let tools: [String: String]? }

    private func levelsBody(_ levels: ToolLevels, scope: Tool.Scope) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ToolCatalog.tools(in: scope).map { ($0.key, levels[$0].rawValue) })
    }

    @Sendable func companyPermissions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let person = try context.parameters.id("pid", resource: "person")
        guard let levels = try await repository.companyLevels(companyID: company.id, personID: person) else { throw APIError.notFound("directory entry") }
        return try JSONResponse.make(["tools": levelsBody(levels, scope: .company)])
    }

    /// Replaces every company level; tools left out go to `none`. Applies to the very next request.
    @Sendable func setCompanyPermissions(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let person = try context.parameters.id("pid", resource: "person")
        let input = try await request.decodeJSON(LevelsInput.self, context: context)
        guard let raw = input.tools else { throw APIError.unprocessable("tools is required", fields: ["tools": "is required"]) }
        let levels = try ToolLevels(parsing: raw, scope: .company)
        try await repository.setCompanyLevels(companyID: company.id, personID: person, levels: levels)
        let detail = levels.levels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
        await auditor.record("permissions.set", actor: actor(context), target: "company:\(company.id)/person:\(person)", detail: detail, context: context)
        return try JSONResponse.make(["tools": levelsBody(levels, scope: .company)])
    }

    // MARK: templates

    struct TemplateInput: Decodable {
        let name: String?
        let project_id: Int64?
        let tools: [String: String]?
    }

    @Sendable func createTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let input = try await request.decodeJSON(TemplateInput.self, context: context)
        guard let name = cleaned(input.name), name.count <= 200 else { throw APIError.unprocessable("name is required", fields: ["name": "is required (at most 200 characters)"]) }
        let levels = try ToolLevels(parsing: input.tools ?? [:], scope: .project)
        let template = try await repository.createTemplate(companyID: company.id, name: name, projectID: input.project_id, levels: levels)
        await auditor.record("template.create", actor: actor(context), target: "template:\(template.id)", context: context)
        return try JSONResponse.make(AdminTemplateBody(template), status: .created)
    }

    @Sendable func listTemplates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        return try JSONResponse.make(try await repository.templates(companyID: company.id, projectID: nil).map(AdminTemplateBody.init))
    }

    private func template(_ context: AppRequestContext, company: Company) async throws -> PermissionTemplate {
        let id = try context.parameters.id("tid", resource: "permission template")
        guard let template = try await repository.template(id: id, companyID: company.id) else { throw APIError.notFound("permission template") }
        return template
    }

    @Sendable func showTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(AdminTemplateBody(try await template(context, company: try await company(context))))
    }

    @Sendable func updateTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        var template = try await template(context, company: company)
        let input = try await request.decodeJSON(TemplateInput.self, context: context)
        if input.project_id != nil { throw APIError.unprocessable("project_id cannot change", fields: ["project_id": "cannot change; create a new template"]) }
        if let name = input.name {
            guard let name = cleaned(name), name.count <= 200 else { throw APIError.unprocessable("invalid name", fields: ["name": "must be 1 to 200 characters"]) }
            template.name = name
        }
        if let tools = input.tools { template.levels = try ToolLevels(parsing: tools, scope: .project) }
        try await repository.updateTemplate(template)
        await auditor.record("template.update", actor: actor(context), target: "template:\(template.id)", context: context)
        return try JSONResponse.make(AdminTemplateBody(template))
    }

    @Sendable func deleteTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let id = try context.parameters.id("tid", resource: "permission template")
        try await repository.deleteTemplate(id: id, companyID: company.id)
        await auditor.record("template.delete", actor: actor(context), target: "template:\(id)", context: context)
        return Response(status: .noContent)
    }

    // MARK: directory and people

    struct DirectoryInput: Decodable { let person_id: Int64? }

    @Sendable func addToDirectory(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let input = try await request.decodeJSON(DirectoryInput.self, context: context)
        guard let personID = input.person_id else { throw APIError.unprocessable("person_id is required", fields: ["person_id": "is required"]) }
        do {
            try await repository.addToDirectory(companyID: company.id, personID: personID)
        } catch let error as StoreError {
            await auditor.record("directory.add", actor: actor(context), target: "company:\(company.id)/person:\(personID)", outcome: "refused", detail: error.message, context: context)
            throw error
        }
        await auditor.record("directory.add", actor: actor(context), target: "company:\(company.id)/person:\(personID)", context: context)
        guard let person = try await repository.person(id: personID) else { throw APIError.notFound("person") }
        return try JSONResponse.make(PersonBody(person), status: .created)
    }

    @Sendable func directory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let page = try await repository.directoryMembers(companyID: company.id, limit: 1000, offset: 0)
        return try JSONResponse.make(page.items.map { PersonBody($0.person) })
    }

    struct PersonInput: Decodable {
        let first_name: String?
        let last_name: String?
        let email: String?
        let job_title: String?
        let password: String?
    }

    @Sendable func updatePerson(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.id("id", resource: "person")
        guard var person = try await repository.person(id: id) else { throw APIError.notFound("person") }
        let input = try await request.decodeJSON(PersonInput.self, context: context)
        if let email = input.email, email.lowercased() != person.email {
            guard person.kind == .user else {
                await auditor.record("person.update", actor: actor(context), target: "person:\(id)", outcome: "refused", detail: "contact email change", context: context)
                throw APIError.unprocessable("A service account's contact email is generated and can never change", fields: ["email": "cannot change for a service-account contact"])
            }
            let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
            guard Self.isPlausibleEmail(normalized) else { throw APIError.unprocessable("invalid email", fields: ["email": "is not an email address"]) }
            person.email = normalized
        }
        var newPasswordHash: String?
        if let password = input.password {
            guard person.canLogIn else {
                await auditor.record("person.update", actor: actor(context), target: "person:\(id)", outcome: "refused", detail: "contact password", context: context)
                throw APIError.unprocessable("Service accounts cannot log in, so their contact cannot have a password", fields: ["password": "not allowed for a service-account contact"])
            }
            guard password.count >= 8, password.utf8.count <= 72 else {
                throw APIError.unprocessable("invalid password", fields: ["password": "8 to 72 bytes"])
            }
            let cost = configuration.bcryptCost
            newPasswordHash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        }
        if let first = input.first_name {
            guard let first = cleaned(first) else { throw APIError.unprocessable("invalid first_name", fields: ["first_name": "must not be empty"]) }
            person.firstName = first
        }
        if let last = input.last_name { person.lastName = last.trimmingCharacters(in: .whitespaces) }
        if let title = input.job_title { person.jobTitle = cleaned(title) }
        try await repository.updatePerson(person)
        if let newPasswordHash { try await repository.setPasswordHash(personID: person.id, hash: newPasswordHash) }
        await auditor.record("person.update", actor: actor(context), target: "person:\(id)", context: context)
        return try JSONResponse.make(PersonBody(person))
    }

    // MARK: memberships

    struct MembershipInput: Decodable {
        let person_id: Int64?
        let permission_template_id: Int64?
        let tools: [String: String]?
    }

    @Sendable func addMembership(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let projectID = try context.parameters.id("pid", resource: "project")
        guard try await repository.project(id: projectID) != nil else { throw APIError.notFound("project") }
        let input = try await request.decodeJSON(MembershipInput.self, context: context)
        guard let personID = input.person_id else { throw APIError.unprocessable("person_id is required", fields: ["person_id": "is required"]) }
        if input.permission_template_id != nil, input.tools != nil {
            throw APIError.unprocessable("give permission_template_id or tools, not both", fields: ["tools": "not allowed with permission_template_id"])
        }
        guard try await repository.person(id: personID) != nil else { throw APIError.notFound("person") }
        let levels = try input.tools.map { try ToolLevels(parsing: $0, scope: .project) }
        try await repository.addMembership(projectID: projectID, personID: personID, templateID: input.permission_template_id, levels: levels ?? ToolLevels())
        await auditor.record("membership.add", actor: actor(context), target: "project:\(projectID)/person:\(personID)", context: context)
        return try JSONResponse.make(["project_id": projectID, "person_id": personID], status: .created)
    }

    @Sendable func removeMembership(_ request: Request, context: AppRequestContext) async throws -> Response {
        let projectID = try context.parameters.id("pid", resource: "project")
        let personID = try context.parameters.id("person_id", resource: "membership")
        guard try await repository.removeMembership(projectID: projectID, personID: personID) else { throw APIError.notFound("membership") }
        await auditor.record("membership.remove", actor: actor(context), target: "project:\(projectID)/person:\(personID)", context: context)
        return Response(status: .noContent)
    }

    @Sendable func memberships(_ request: Request, context: AppRequestContext) async throws -> Response {
        let projectID = try context.parameters.id("pid", resource: "project")
        guard try await repository.project(id: projectID) != nil else { throw APIError.notFound("project") }
        let page = try await repository.projectMembers(projectID: projectID, limit: 1000, offset: 0)
        return try JSONResponse.make(page.items.map(UserBody.init))
    }
}

struct AdminTemplateBody: Encodable {
    let id: Int64
    let company_id: Int64
    let name: String
    let project_id: Int64?
    let tools: [String: String]
    init(_ t: PermissionTemplate) {
        id = t.id; company_id = t.companyID; name = t.name; project_id = t.projectID
        tools = Dictionary(uniqueKeysWithValues: t.levels.levels.map { ($0.key, $0.value.rawValue) })
    }
}
