import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/admin/v1/keys` and `/admin/v1/audit`: deployment-wide, operator only.
struct KeysController<Store: AuditStore>: Sendable {
    let keys: Keys<Store>
    let store: Store

    func addRoutes(operator group: RouterGroup<AdminRequestContext>) {
        group.get("keys", use: list)
        group.post("keys/rotate", use: rotate)
        group.post("keys/:kid/retire", use: retire)
        group.delete("keys/:kid", use: delete)
        group.get("audit", use: audit)
    }

    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try Pagination.respond(await keys.describe(), request, context)
    }

    struct RotateInput: Decodable { let activate_in: Int? }

    @Sendable func rotate(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var request = request
        let input: RotateInput = request.hasNoBody ? RotateInput(activate_in: nil) : try await request.decodeJSON(RotateInput.self, context: context)
        return try JSONResponse.make(try await keys.rotate(activateIn: input.activate_in, by: context.caller), status: .created)
    }

    /// The whole deployment's log, newest first, narrowed by `company_id`, `actor` and `action` when given.
    private func kid(_ context: AdminRequestContext) throws -> String {
        guard let kid = context.parameters.get("kid"), !kid.isEmpty, kid.count <= 64 else { throw APIError.notFound("signing key") }
        return kid
    }

    @Sendable func retire(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try JSONResponse.make(try await keys.retire(kid: try kid(context), by: context.caller))
    }

    @Sendable func delete(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try await keys.delete(kid: try kid(context), by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func audit(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try await AuditQuery.respond(request, context, store: store, company: nil)
    }
}

/// `GET /admin/v1/audit` (operators, every company) and `GET /admin/v1/companies/{cid}/audit` (that company's
/// admins too): one filter and paging rule for both.
enum AuditQuery {
    /// What `Auditor` records: a done operation, a failed authentication, or a refused one.
    static let outcomes = ["success", "failure", "refused"]

    static func respond<Store: AuditStore>(_ request: Request, _ context: some GatehouseRequestContext, store: Store, company: Int64?) async throws -> Response {
        let query = request.query
        let companyID = try company ?? query.integer("company_id", in: 1...Int64.max)
        var filter = AuditFilter(companyID: companyID, actor: try query.text("actor"), action: try query.text("action"))
        if let outcome = try query.text("outcome") {
            guard Self.outcomes.contains(outcome) else {
                throw QueryReader.invalid("outcome", "one of \(Self.outcomes.joined(separator: ", "))")
            }
            filter.outcome = outcome
        }
        filter.since = try query.time("since")
        filter.until = try query.time("until")
        // `page`/`per_page` as every list; `limit`/`offset`, the first form of this endpoint, still work. Every
        // parameter given is checked, whichever form wins: a bad `per_page` next to a `limit` is still a 400.
        let paging = try Pagination(request)
        if query.contains("limit") || query.contains("offset") {
            let limit = Int(try query.clamped("limit", in: 1...1000, default: 100))
            let offset = Int(try query.clamped("offset", in: 0...Int64(Int32.max), default: 0))
            let page = try await store.auditEntries(filter, limit: limit, offset: offset)
            return try JSONResponse.make(page.items.map(AuditEntryBody.init), headers: [.total: "\(page.total)"])
        }
        let page = try await store.auditEntries(filter, limit: paging.limit, offset: paging.offset)
        return try JSONResponse.make(page.items.map(AuditEntryBody.init), headers: paging.headers(total: page.total, request: request, context: context))
    }
}
