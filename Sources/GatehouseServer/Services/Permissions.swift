import Foundation
import GatehouseCore
import GatehouseStore

/// Company tool levels, permission templates and project memberships. Every change applies to the very
/// next request of the person it concerns: the store's change feed drops the cached access at commit.
struct Permissions<Store: DirectoryStore & TemplateStore & MembershipStore & ProjectStore & PersonStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>

    // MARK: company levels

    func companyLevels(of personID: Int64, in company: Company) async throws -> ToolLevels {
        guard let levels = try await store.companyLevels(companyID: company.id, personID: personID) else { throw DomainError.notFound("directory entry") }
        return levels
    }

    /// Replaces every company level; tools left out go to `none`.
    func setCompanyLevels(_ raw: [String: String], of personID: Int64, in company: Company, by caller: Caller) async throws -> ToolLevels {
        let levels = try ToolLevels(parsing: raw, scope: .company)
        try await store.setCompanyLevels(companyID: company.id, personID: personID, levels: levels)
        let detail = levels.levels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
        await auditor.record("permissions.set", by: caller, target: "company:\(company.id)/person:\(personID)", detail: detail)
        return levels
    }

    // MARK: templates

    static func templateName(_ raw: String?) throws(ValidationError) -> String {
        try requiredName(raw, maxLength: Limits.templateName).value(for: "name")
    }

    func createTemplate(name: String?, projectID: Int64?, tools: [String: String]?, in company: Company, by caller: Caller) async throws -> PermissionTemplate {
        let name = try Self.templateName(name)
        let levels = try ToolLevels(parsing: tools ?? [:], scope: .project)
        let template = try await store.createTemplate(companyID: company.id, name: name, projectID: projectID, levels: levels)
        await auditor.record("template.create", by: caller, target: "template:\(template.id)")
        return template
    }

    func templates(of company: Company, forProject projectID: Int64? = nil) async throws -> [PermissionTemplate] {
        try await store.templates(companyID: company.id, projectID: projectID)
    }

    func template(_ id: Int64, in company: Company) async throws -> PermissionTemplate {
        guard let template = try await store.template(id: id, companyID: company.id) else { throw DomainError.notFound("permission template") }
        return template
    }

    /// A template's project never changes: a project-specific template that moved would silently change
    /// what its memberships grant.
    func updateTemplate(_ id: Int64, name: String?, projectID: Int64?, tools: [String: String]?, in company: Company, by caller: Caller) async throws -> PermissionTemplate {
        var template = try await template(id, in: company)
        if projectID != nil { throw ValidationError("project_id cannot change", fields: ["project_id": "cannot change; create a new template"]) }
        if let name {
            guard let name = cleaned(name), name.textLength <= 200 else { throw ValidationError("invalid name", fields: ["name": "must be 1 to 200 characters"]) }
            template.name = name
        }
        if let tools { template.levels = try ToolLevels(parsing: tools, scope: .project) }
        try await store.updateTemplate(template)
        await auditor.record("template.update", by: caller, target: "template:\(template.id)")
        return template
    }

    /// Refused (409) while a membership uses the template.
    func deleteTemplate(_ id: Int64, in company: Company, by caller: Caller) async throws {
        try await store.deleteTemplate(id: id, companyID: company.id)
        await auditor.record("template.delete", by: caller, target: "template:\(id)")
    }

    // MARK: memberships

    /// Adds (or replaces) a membership, by template or with explicit levels, never both.
    func addMembership(person personID: Int64, to project: Project, templateID: Int64?, tools: [String: String]?, by caller: Caller) async throws {
        if templateID != nil, tools != nil {
            throw ValidationError("give permission_template_id or tools, not both", fields: ["tools": "not allowed with permission_template_id"])
        }
        guard try await store.person(id: personID) != nil else { throw DomainError.notFound("person") }
        let levels = try tools.map { try ToolLevels(parsing: $0, scope: .project) }
        try await store.addMembership(projectID: project.id, personID: personID, templateID: templateID, levels: levels ?? ToolLevels())
        await auditor.record("membership.add", by: caller, target: "project:\(project.id)/person:\(personID)", detail: templateID.map { "template \($0)" })
    }

    /// Changes an existing membership's template or levels in place; 404 when there is none to change.
    func updateMembership(person personID: Int64, in project: Project, templateID: Int64?, tools: [String: String]?, by caller: Caller) async throws {
        if templateID == nil, tools == nil {
            throw ValidationError("give permission_template_id or tools", fields: ["permission_template_id": "or tools is required"])
        }
        guard try await store.projectMember(projectID: project.id, personID: personID) != nil else { throw DomainError.notFound("membership") }
        try await addMembership(person: personID, to: project, templateID: templateID, tools: tools, by: caller)
    }

    /// A member's levels on a project as they apply now: its template's, or its own.
    func projectLevels(of personID: Int64, on project: Project) async throws -> ToolLevels {
        try await store.access(companyID: project.companyID, personID: personID).projectLevels[project.id] ?? ToolLevels()
    }

    /// Leaves a membership's template for explicit levels equal to what it grants now, so the switch itself never
    /// changes access; the levels can then be edited one by one.
    func makeExplicit(person personID: Int64, in project: Project, by caller: Caller) async throws {
        let current = try await projectLevels(of: personID, on: project)
        try await updateMembership(person: personID, in: project, templateID: nil,
                                   tools: current.levels.filter { $0.value != .none }.mapValues(\.rawValue), by: caller)
    }

    func removeMembership(person personID: Int64, from project: Project, by caller: Caller) async throws {
        guard try await store.removeMembership(projectID: project.id, personID: personID) else { throw DomainError.notFound("membership") }
        await auditor.record("membership.remove", by: caller, target: "project:\(project.id)/person:\(personID)")
    }

    /// One member, read by key: a project's member list can be longer than any page.
    func member(_ personID: Int64, of project: Project) async throws -> DirectoryMember {
        guard let member = try await store.projectMember(projectID: project.id, personID: personID) else { throw DomainError.notFound("membership") }
        return member
    }

    func members(of project: Project, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int) {
        try await store.projectMembers(projectID: project.id, limit: limit, offset: offset)
    }
}
