import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Step 1 of every `/rest` call: a valid bearer token. It proves the token and nothing about the company.
struct BearerAuthenticator<Repository: ClientStore & AuditStore & CredentialStore & AppStore & InstallationStore & CompanyStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenService<Repository>

    static var challenge: String { "Bearer realm=\"gatehouse\"" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = BearerToken.from(request) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required", headers: [.wwwAuthenticate: Self.challenge])
        }
        var context = context
        do {
            context.token = try await tokens.verify(token)
        } catch .unavailable {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "The service cannot check tokens right now; retry", headers: [.retryAfterHeader: "1"])
        } catch {
            context.logger.debug("bearer token rejected", metadata: ["reason": "\(error)"])
            throw APIError(.unauthorized, code: "invalid_token", message: "The access token is invalid, expired or revoked",
                           headers: [.wwwAuthenticate: "\(Self.challenge), error=\"invalid_token\", error_description=\"The access token is invalid\""])
        }
        return try await next(request, context)
    }
}
