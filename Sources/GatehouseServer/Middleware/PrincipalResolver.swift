import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Step 3 of a `/rest` call: which company the call acts in, and so which contact it acts as. It owns the
/// app and installation lookups, following Procore's "Multiple Procore Zones" rules for the
/// `Procore-Company-Id` header:
/// - a traditional account belongs to one company, so the header is optional; if sent, it must name that company;
/// - an app (DMSA) must send it, except on `/me` and `/companies` (``Mode/impliedWhenAbsent``), where its
///   first installation stands in;
/// - an app acts only where it is installed: elsewhere, 403 `App is not connected to this company`.
struct PrincipalResolver<Store: AppStore & InstallationStore & CompanyStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    enum Mode: Sendable {
        case required
        case impliedWhenAbsent
    }
    let store: Store
    let mode: Mode
    /// The REST limits: a call refused here (no company header, app not connected, company deactivated) still
    /// counts, and its answer carries the `X-Rate-Limit-*` headers like every other `/rest` answer.
    let limiter: RateLimiter
    let clock: any GatehouseCore.Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = context.token else { throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required") }
        var context = context
        let principal: Principal
        do {
            principal = try await self.principal(for: token.record, header: try Self.companyHeader(request))
            // A deactivated company stops every installation acting in it at once. A traditional account's token was
            // already refused by `TokenService.verify`, which checks its company, so only apps are checked here.
            if principal.kind == .app, try await !store.isActiveCompany(principal.companyID) {
                throw APIError(.forbidden, code: "company_inactive", message: "Company \(principal.companyID) is deactivated")
            }
        } catch var error as APIError {
            // Counted under the company the call named (0 when it named none or no valid one).
            let named = (try? Self.companyHeader(request)) ?? nil
            let company = token.record.serviceAccount?.companyID ?? named ?? 0
            if let limit = try? await limiter.hit(clientID: token.record.client.clientID, companyID: company, now: clock.now) {
                error.headers.append(contentsOf: RateLimitMiddleware.headers(limit))
            }
            throw error
        }
        context.principal = principal
        return try await next(request, context)
    }

    /// The header's company id; nil when absent. A header that is present but not an id, empty included, is a
    /// 400: an empty header is a client's bug, and reading it as "no company" would act somewhere it did not name.
    static func companyHeader(_ request: Request) throws -> Int64? {
        try companyID(header: request.headers[.procoreCompanyID])
    }

    /// The header's value read as a company id; what the fuzz target `company-header` drives.
    static func companyID(header: String?) throws -> Int64? {
        guard let header else { return nil }
        // HTTP's optional whitespace (spaces and tabs), trimmed on the UTF-8 view: Foundation's `trimmingCharacters`
        // was 2.6 % of a REST call in the issue-27 profile.
        let utf8 = header.utf8
        let isOWS = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let start = utf8.firstIndex { !isOWS($0) } ?? utf8.endIndex
        let end = utf8.lastIndex { !isOWS($0) }.map(utf8.index(after:)) ?? start
        guard start < end, let id = RequestNumber.id(header[start..<end]) else {
            throw APIError.badRequest("Procore-Company-Id must be a company id (a positive integer)", code: "invalid_company",
                                      fields: ["Procore-Company-Id": "must be a positive integer"])
        }
        return id
    }

    private func principal(for record: ClientRecord, header: Int64?) async throws -> Principal {
        if let account = record.serviceAccount {
            if let header, header != account.companyID {
                throw APIError.forbidden("Service account does not belong to this company")
            }
            return Principal(kind: .traditional, clientID: account.client.clientID, contactID: account.contactID, companyID: account.companyID)
        }
        guard let app = try await store.app(clientPK: record.client.id) else { throw Self.notConnected }
        let installation: Installation?
        switch (header, mode) {
        case (let id?, _):
            installation = try await store.activeInstallation(appID: app.id, companyID: id)
        case (nil, .required):
            throw APIError.badRequest("Missing Procore-Company-Id header!", code: "missing_company")
        case (nil, .impliedWhenAbsent):
            installation = try await store.workingInstallations(appID: app.id).first?.installation
        }
        guard let installation else { throw Self.notConnected }
        return Principal(kind: .app, clientID: record.client.clientID, contactID: installation.contactID, companyID: installation.companyID, appID: app.id)
    }

    static var notConnected: APIError { APIError(.forbidden, code: "app_not_connected", message: "App is not connected to this company") }
}
