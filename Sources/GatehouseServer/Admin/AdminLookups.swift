import GatehouseCore
import GatehouseStore
import Hummingbird

/// Path-parameter lookups shared by the admin controllers: parse the id, load it, 404 when missing.
extension CompanyStore {
    func company(from context: AppRequestContext, parameter: String = "cid") async throws -> Company {
        let id = try context.parameters.id(parameter, resource: "company")
        guard let company = try await company(id: id) else { throw APIError.notFound("company") }
        return company
    }
}
