import GatehouseCore
import GatehouseStore
import Hummingbird

/// `GET /rest/v1.0/me`: the caller's own contact, in Procore's `{id, login, name}` shape.
struct MeController<Store: PersonStore & DirectoryStore & ProjectStore & CompanyStore>: Sendable {
    let store: Store
    let gate: RESTGate<Store>

    func addRoutes(to group: RouterGroup<RESTRequestContext>) {
        group.get("v1.0/me", use: me)
    }

    /// Through the gate like every call: a contact that left the directory is refused here too.
    @Sendable func me(_ request: Request, context: RESTRequestContext) async throws -> Response {
        try await gate.authorize(context, .principal)
        guard let person = try await store.person(id: context.principal.contactID) else { throw APIError.notFound("user") }
        return try JSONResponse.make(MeBody(id: person.id, login: person.email, name: person.name))
    }
}

struct MeBody: JSONBody {
    let id: Int64
    let login: String
    let name: String

    func write(to json: inout JSONBuffer) {
        json.object { json in
            json.field("id", id)
            json.field("login", login)
            json.field("name", name)
        }
    }
}
