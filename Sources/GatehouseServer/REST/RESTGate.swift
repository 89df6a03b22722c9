import GatehouseCore
import GatehouseStore
import Hummingbird

/// Runs the one policy decision for a REST handler and turns it into a 403 or 404.
struct RESTGate<Repository: DirectoryStore & ProjectStore & CompanyStore>: Sendable {
    let repository: Repository

    /// Loads the caller's live access and decides. Returns the access so handlers can read levels
    /// (for example the RFI author rule) without a second query.
    @discardableResult
    func authorize(_ context: AppRequestContext, project: Project? = nil, _ requirement: Requirement) async throws -> (Principal, Access) {
        let principal = try context.requirePrincipal()
        let access = try await repository.access(companyID: principal.companyID, personID: principal.contactID)
        switch AccessPolicy.decide(access: access, project: project.map { ProjectRef(id: $0.id, companyID: $0.companyID) }, requirement: requirement) {
        case .allow: return (principal, access)
        case .forbidden(let reason): throw APIError.forbidden(reason)
        case .notFound: throw APIError.notFound(project == nil ? "resource" : "project")
        }
    }

    /// A project id from the path, or 404 when it does not exist. Company checks happen in ``authorize``.
    func project(_ context: AppRequestContext, parameter: String = "id") async throws -> Project {
        let id = try context.parameters.id(parameter, resource: "project")
        guard let project = try await repository.project(id: id) else { throw APIError.notFound("project") }
        return project
    }

    /// A company id from the path must be the caller's company; any other is invisible (404).
    func company(_ context: AppRequestContext, parameter: String = "id") async throws -> Company {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.id(parameter, resource: "company")
        guard id == principal.companyID, let company = try await repository.company(id: id) else { throw APIError.notFound("company") }
        return company
    }

    /// `company_id` in the query (where Procore puts it) must match the header's company.
    func queryCompany(_ request: Request, context: AppRequestContext) async throws -> Company {
        let principal = try context.requirePrincipal()
        guard let raw = request.uri.queryParameters["company_id"] else {
            throw APIError.badRequest("company_id is required", code: "invalid_parameter", fields: ["company_id": "is required"])
        }
        guard let id = Int64(String(raw)) else {
            throw APIError.badRequest("company_id must be an integer", code: "invalid_parameter", fields: ["company_id": "must be an integer"])
        }
        guard id == principal.companyID, let company = try await repository.company(id: id) else { throw APIError.notFound("company") }
        return company
    }
}
