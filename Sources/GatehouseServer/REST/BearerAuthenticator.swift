import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Authenticates every `/rest` call: a valid bearer token, then the company from `Procore-Company-Id`.
///
/// Runs before any handler, so handlers only ever see a ``Principal`` that is live right now.
struct BearerAuthenticator<Repository: ClientStore & AuditStore & CredentialStore & AppStore & InstallationStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenService<Repository>
    let rateLimiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required",
                           headers: [.wwwAuthenticate: "Bearer realm=\"gatehouse\""])
        }
        let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let verified: TokenService<Repository>.Verified
        do {
            verified = try await tokens.verify(token)
        } catch {
            context.logger.debug("bearer token rejected", metadata: ["reason": "\(error)"])
            throw APIError(.unauthorized, code: "invalid_token", message: "The access token is invalid, expired or revoked",
                           headers: [.wwwAuthenticate: "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"The access token is invalid\""])
        }
        guard let rawCompany = request.headers[.procoreCompanyID]?.trimmingCharacters(in: .whitespaces), !rawCompany.isEmpty else {
            throw APIError.badRequest("Missing Procore-Company-Id header!", code: "missing_company")
        }
        guard let companyID = Int64(rawCompany), companyID > 0 else {
            throw APIError.badRequest("Procore-Company-Id must be a company id", code: "invalid_company")
        }
        let principal = try await principal(for: verified.record, companyID: companyID)
        var context = context
        context.principal = principal

        let limit = try await rateLimiter.hit(clientID: principal.clientID, companyID: companyID, now: tokens.clock.now)
        var headers: HTTPFields = [
            .rateLimitLimit: "\(limit.limit)", .rateLimitRemaining: "\(limit.remaining)", .rateLimitReset: "\(limit.reset)",
        ]
        // Every answer to a traditional account's call carries the deprecation headers, errors included.
        if principal.kind == .traditional, Deprecation.applies(policy: tokens.policy, at: tokens.clock.now) {
            headers.append(contentsOf: Deprecation.headers(policy: tokens.policy, issuer: tokens.issuer))
        }
        guard limit.allowed else {
            headers[.retryAfterHeader] = "\(limit.retryAfter)"
            throw APIError(.tooManyRequests, code: "rate_limited", message: "Rate limit exceeded; retry after \(limit.retryAfter) s", headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers.append(contentsOf: headers)
        return response
    }

    /// A traditional account acts in its own company only. An app (DMSA) acts through the contact of its
    /// active installation in the chosen company, and nowhere else.
    private func principal(for record: ClientRecord, companyID: Int64) async throws -> Principal {
        if let account = record.serviceAccount {
            guard account.companyID == companyID else {
                throw APIError.forbidden("Service account does not belong to this company")
            }
            return Principal(kind: .traditional, clientID: account.client.clientID, contactID: account.contactID, companyID: companyID, serviceAccountID: account.id)
        }
        guard let app = try await tokens.repository.app(clientPK: record.client.id),
              let installation = try await tokens.repository.activeInstallation(appID: app.id, companyID: companyID)
        else {
            throw APIError(.forbidden, code: "app_not_connected", message: "App is not connected to this company")
        }
        return Principal(kind: .app, clientID: record.client.clientID, contactID: installation.contactID, companyID: companyID, appID: app.id)
    }
}

extension AppRequestContext {
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required") }
        return principal
    }
}
