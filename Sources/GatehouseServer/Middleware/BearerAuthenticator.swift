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
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required", headers: [.wwwAuthenticate: Self.challenge])
        }
        // Trimmed on the UTF-8 view: Foundation's `trimmingCharacters` was 8 % of a REST call in the profile.
        var view = authorization.utf8.dropFirst("bearer ".count)
        while let first = view.first, first == 0x20 || first == 0x09 { view = view.dropFirst() }
        while let last = view.last, last == 0x20 || last == 0x09 { view = view.dropLast() }
        let token = String(Substring(view))
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
