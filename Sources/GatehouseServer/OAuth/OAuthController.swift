import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `POST /oauth/token` and the discovery documents.
struct OAuthController<Repository: ClientStore & AuditStore>: Sendable {
    let tokens: TokenService<Repository>
    let auditor: Auditor<Repository>
    let keys: KeyRing
    let issuer: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("oauth/token", use: token)
        router.get(".well-known/jwks.json", use: jwks)
        router.get(".well-known/oauth-authorization-server", use: metadata)
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        var clientID: String?
        do {
            let parsed = try await TokenRequest.parse(&request, maxSize: context.maxUploadSize)
            clientID = parsed.credentials.clientID
            let issued = try await tokens.issue(parsed)
            await auditor.record("token.issue", actor: "client:\(issued.record.client.clientID)", target: issued.record.client.clientID, context: context)
            return try JSONResponse.make(
                TokenBody(access_token: issued.accessToken, token_type: "bearer", expires_in: issued.expiresIn, created_at: Int64(issued.createdAt.timeIntervalSince1970)),
                headers: [.cacheControl: "no-store", .pragma: "no-cache"]
            )
        } catch let error as OAuthError {
            await auditor.record(
                "token.issue", actor: clientID.map { "client:\($0)" } ?? "anonymous", target: clientID,
                outcome: "failure", detail: "\(error.code): \(error.description ?? "")", context: context
            )
            throw error
        }
    }

    @Sendable func jwks(_ request: Request, context: AppRequestContext) async throws -> Response {
        return try JSONResponse.make(JWKSBody(keys: await keys.jwks()), headers: [.cacheControl: "public, max-age=300"])
    }

    /// RFC 8414 metadata, so generic OAuth clients can discover the token endpoint.
    @Sendable func metadata(_ request: Request, context: AppRequestContext) async throws -> Response {
        return try JSONResponse.make(MetadataBody(
            issuer: issuer,
            token_endpoint: "\(issuer)/oauth/token",
            jwks_uri: "\(issuer)/.well-known/jwks.json",
            grant_types_supported: ["client_credentials"],
            token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
            response_types_supported: []
        ))
    }
}

/// The Procore-shaped token answer: no refresh token, `created_at` in unix seconds.
struct TokenBody: Encodable {
    let access_token: String
    let token_type: String
    let expires_in: Int
    let created_at: Int64
}

struct JWKSBody: Encodable { let keys: [[String: String]] }

struct MetadataBody: Encodable {
    let issuer: String
    let token_endpoint: String
    let jwks_uri: String
    let grant_types_supported: [String]
    let token_endpoint_auth_methods_supported: [String]
    let response_types_supported: [String]
}
