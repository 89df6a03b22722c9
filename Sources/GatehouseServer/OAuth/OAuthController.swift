import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// The OAuth door: `POST /oauth/token`, revocation, introspection, token info and the discovery documents.
struct OAuthController<Repository: ClientStore & AuditStore & CredentialStore & AppStore & InstallationStore & CompanyStore>: Sendable {
    let tokens: TokenService<Repository>
    let keys: KeyRing
    let issuer: String
    let metrics: GatehouseMetrics

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("oauth/token", use: token)
        router.get(".well-known/jwks.json", use: jwks)
        router.get(".well-known/oauth-authorization-server", use: metadata)
        router.post("oauth/revoke", use: revoke)
        router.post("oauth/introspect", use: introspect)
        router.get("oauth/token/info", use: tokenInfo)
    }

    /// RFC 7009. The client must authenticate; then the answer is 200 whatever the token was, and only the
    /// client's own tokens are revoked, so one client cannot revoke another's.
    ///
    /// The body is `{}` as JSON, as Doorkeeper (Procore's OAuth server) answers: Procore's JS SDK parses the
    /// answer as JSON and rejects an empty body although the revoke worked.
    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await tokens.revoke(try await parse(request, .revoke, context), from: context.origin)
        return try JSONResponse.make(EmptyBody(), headers: [.cacheControl: "no-store", .pragma: "no-cache"])
    }

    /// `{}`.
    private struct EmptyBody: Encodable {}

    /// RFC 7662. Client authentication is required, and a client sees only its own tokens as active.
    @Sendable func introspect(_ request: Request, context: AppRequestContext) async throws -> Response {
        let headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
        guard let verified = try await tokens.introspect(try await parse(request, .introspect, context), from: context.origin) else {
            return try JSONResponse.make(IntrospectionBody.inactive, headers: headers)
        }
        let c = verified.claims
        return try JSONResponse.make(IntrospectionBody(
            active: true, client_id: c.clientID, sub: c.sub.value, iss: c.iss.value, aud: c.aud.value,
            exp: c.exp.value.unixSeconds, iat: c.iat.value.unixSeconds, jti: c.jti.value,
            token_type: "Bearer", scope: ""
        ), headers: headers)
    }

    /// Procore's `GET /oauth/token/info`.
    @Sendable func tokenInfo(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = BearerToken.from(request) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required", headers: [.wwwAuthenticate: "Bearer realm=\"gatehouse\""])
        }
        guard let verified = try? await tokens.verify(token) else {
            throw APIError(.unauthorized, code: "invalid_token", message: "The access token is invalid, expired or revoked",
                           headers: [.wwwAuthenticate: "Bearer realm=\"gatehouse\", error=\"invalid_token\""])
        }
        let c = verified.claims
        return try JSONResponse.make(TokenInfoBody(
            resource_owner_id: verified.record.serviceAccount?.contactID, scopes: [],
            expires_in_seconds: max(0, c.exp.value.unixSeconds - tokens.clock.now.unixSeconds),
            application: .init(uid: c.clientID), created_at: c.iat.value.unixSeconds
        ), headers: [.cacheControl: "no-store"])
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let parsed = try await parse(request, .issue, context)
            let issued = try await tokens.issue(parsed, from: context.origin)
            metrics.tokenRequest(outcome: "issued", duration: ContinuousClock.now - start)
            var headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
            if issued.record.serviceAccount != nil, tokens.policy.isDeprecated(at: issued.createdAt) {
                headers.append(contentsOf: tokens.deprecation.token)
            }
            return try JSONResponse.make(
                TokenBody(access_token: issued.accessToken, token_type: "bearer", expires_in: issued.expiresIn, created_at: issued.createdAt.unixSeconds,
                          scope: Self.grantedScope(requested: parsed.parameters["scope"])),
                headers: headers
            )
        } catch {
            metrics.tokenRequest(outcome: OAuthError(wrapping: error).code.rawValue, duration: ContinuousClock.now - start)
            throw error
        }
    }

    /// The form of a client call; a form that cannot be read is refused (and audited) by the service.
    private func parse(_ request: Request, _ call: TokenService<Repository>.ClientCall, _ context: AppRequestContext) async throws -> TokenRequest {
        var request = request
        do {
            return try await TokenRequest.parse(&request, maxSize: context.maxUploadSize)
        } catch {
            throw await tokens.refused(error, call, from: context.origin)
        }
    }

    /// "" when the client asked for a scope (none is granted), nil when it did not ask.
    static func grantedScope(requested: String?) -> String? {
        guard let requested, !requested.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return ""
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
            token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            token_endpoint_auth_signing_alg_values_supported: ["ES256", "RS256", "EdDSA"],
            revocation_endpoint: "\(issuer)/oauth/revoke",
            introspection_endpoint: "\(issuer)/oauth/introspect",
            response_types_supported: []
        ))
    }
}

/// The Procore-shaped token answer: no refresh token, `created_at` in unix seconds. `scope` appears only when
/// the client asked for one: RFC 6749 §5.1 requires it when the granted scope differs from the request, and
/// Gatehouse grants none (an empty string), since access follows the directory permissions.
struct TokenBody: JSONBody {
    let access_token: String
    let token_type: String
    let expires_in: Int
    let created_at: Int64
    var scope: String? = nil

    func write(to json: inout JSONBuffer) {
        json.object { json in
            json.field("access_token", access_token)
            json.field("created_at", created_at)
            json.field("expires_in", expires_in)
            json.field("scope", ifPresent: scope)
            json.field("token_type", token_type)
        }
    }
}

struct JWKSBody: Encodable { let keys: [[String: String]] }

struct MetadataBody: Encodable {
    let issuer: String
    let token_endpoint: String
    let jwks_uri: String
    let grant_types_supported: [String]
    let token_endpoint_auth_methods_supported: [String]
    let token_endpoint_auth_signing_alg_values_supported: [String]
    let revocation_endpoint: String
    let introspection_endpoint: String
    let response_types_supported: [String]
}

/// RFC 7662 §2.2. An inactive token says nothing else.
struct IntrospectionBody: Encodable {
    let active: Bool
    var client_id: String? = nil
    var sub: String? = nil
    var iss: String? = nil
    var aud: [String]? = nil
    var exp: Int64? = nil
    var iat: Int64? = nil
    var jti: String? = nil
    var token_type: String? = nil
    var scope: String? = nil

    static let inactive = IntrospectionBody(active: false)
}

struct TokenInfoBody: Encodable {
    struct Application: Encodable { let uid: String }
    @Nullable var resource_owner_id: Int64?
    let scopes: [String]
    let expires_in_seconds: Int64
    let application: Application
    let created_at: Int64
}
