import GatehouseCore
import GatehouseStore
import Hummingbird

/// `GET /rest/v1.0/me`: the caller's own contact, in Procore's `{id, login, name}` shape.
struct MeController<Repository: PersonStore>: Sendable {
    let repository: Repository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("v1.0/me", use: me)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let person = try await repository.person(id: principal.contactID) else { throw APIError.notFound("user") }
        return try JSONResponse.make(MeBody(id: person.id, login: person.email, name: person.name))
    }
}

struct MeBody: Encodable {
    let id: Int64
    let login: String
    let name: String
}
