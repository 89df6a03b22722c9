import Foundation
import GatehouseCore
import JWTKit

/// RFC 7523 client authentication: a JWT signed with a key from the client's registered JWKS.
struct ClientAssertionClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var jti: IDClaim?

    /// Time checks happen in ``ClientAssertionVerifier`` against the injected clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

struct ClientAssertionVerifier: Sendable {
    /// Assertions must be short-lived: an `exp` further out than this is refused.
    static let maxLifetime: TimeInterval = 300

    let issuer: String
    let clock: any GatehouseCore.Clock

    /// The `iss` of an assertion before verification, to find the client whose keys verify it.
    static func unverifiedIssuer(of assertion: String) -> String? {
        let parts = assertion.split(separator: ".")
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[1])),
              let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return claims["iss"] as? String
    }

    /// Returns the assertion's `jti` and `exp` for replay tracking; throws `invalid_client` with a reason otherwise.
    func verify(_ assertion: String, clientID: String, jwks: String?) async throws -> (jti: String, expiresAt: Date) {
        guard let jwks else { throw OAuthError(.invalidClient, "no JWKS is registered for this client") }
        let claims: ClientAssertionClaims
        do {
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            claims = try await keys.verify(assertion, as: ClientAssertionClaims.self)
        } catch {
            throw OAuthError(.invalidClient, "client assertion signature is not valid")
        }
        guard claims.iss.value == clientID, claims.sub.value == clientID else {
            throw OAuthError(.invalidClient, "client assertion iss and sub must both be the client_id")
        }
        let audiences = Set([issuer, "\(issuer)/oauth/token"])
        guard claims.aud.value.contains(where: audiences.contains) else {
            throw OAuthError(.invalidClient, "client assertion aud must be the token endpoint")
        }
        let now = clock.now
        guard claims.exp.value > now else { throw OAuthError(.invalidClient, "client assertion has expired") }
        guard claims.exp.value.timeIntervalSince(now) <= Self.maxLifetime else {
            throw OAuthError(.invalidClient, "client assertion lifetime is too long (at most \(Int(Self.maxLifetime)) s)")
        }
        guard let jti = claims.jti?.value, !jti.isEmpty else { throw OAuthError(.invalidClient, "client assertion needs a jti") }
        return (jti, claims.exp.value)
    }
}
