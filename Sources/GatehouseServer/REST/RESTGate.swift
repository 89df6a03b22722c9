import GatehouseCore
import GatehouseStore
import Hummingbird

/// Runs the one policy decision for a REST handler and turns it into a 403 or 404.
struct RESTGate<Store: DirectoryStore & ProjectStore & CompanyStore>: Sendable {
    let store: Store
    /// Told which grant each allowed call used (least privilege from real use); nil records nothing.
    let usage: UsageRecorder?
    let clock: any GatehouseCore.Clock

    /// Loads the caller's live access and decides. Returns the access so handlers can read levels
    /// (for example the RFI author rule) without a second query.
    @discardableResult
    func authorize(_ context: RESTRequestContext, project: Project? = nil, _ requirement: Requirement) async throws -> Access {
        let principal = context.principal
        let access = try await store.access(companyID: principal.companyID, personID: principal.contactID)
        let ref = project.map { ProjectRef(id: $0.id, companyID: $0.companyID) }
        switch AccessPolicy.decide(access: access, project: ref, requirement: requirement) {
        case .allow:
            if let usage, let use = AccessPolicy.grantUsed(access: access, project: ref, requirement: requirement) {
                usage.record(use, personID: principal.contactID, companyID: principal.companyID, at: clock.now)
            }
            return access
        case .forbidden(let reason): throw APIError.forbidden(reason)
        case .notFound: throw APIError.notFound(project == nil ? "resource" : "project")
        }
    }

    /// A project id from the path, or 404 when it does not exist. Company checks happen in ``authorize``.
    func project(_ context: RESTRequestContext, parameter: String = "id") async throws -> Project {
        let id = try context.parameters.id(parameter, resource: "project")
        guard let project = try await store.project(id: id) else { throw APIError.notFound("project") }
        return project
    }

    /// A company id from the path must be the caller's company; any other is invisible (404).
    func company(_ context: RESTRequestContext, parameter: String = "id") async throws -> Company {
        try await company(id: try context.parameters.id(parameter, resource: "company"), context)
    }

    /// `company_id` in the query (where Procore puts it) must be the caller's company.
    func queryCompany(_ request: Request, context: RESTRequestContext) async throws -> Company {
        guard let id = try request.query.integer("company_id", in: 1...Int64.max) else {
            throw APIError.badRequest("company_id is required", code: "invalid_parameter", fields: ["company_id": "is required"])
        }
        return try await company(id: id, context)
    }

    func company(id: Int64, _ context: RESTRequestContext) async throws -> Company {
        guard id == context.principal.companyID, let company = try await store.company(id: id) else { throw APIError.notFound("company") }
        return company
    }
}
