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

/// A JWT's header and claims read before its signature is checked: only to choose the key that checks it, or
/// the name a failure is counted under. Nothing read here is trusted.
enum UnverifiedJWT {
    /// RFC 9068 §4: resource servers must check `typ` is `at+jwt`, so an ID token or assertion cannot pass; and
    /// the `kid`, which names the key to check against.
    static func header(of token: String) -> (typ: String?, kid: String?)? {
        guard let dot = token.firstIndex(of: "."),
              let data = Data(base64URLEncoded: String(token[..<dot])),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return (header["typ"] as? String, header["kid"] as? String)
    }

    /// One string claim of the payload.
    static func claim(_ name: String, of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[1])),
              let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return claims[name] as? String
    }
}

struct ClientAssertionVerifier: Sendable {
    /// Assertions must be short-lived: an `exp` further out than this is refused.
    static let maxLifetime: TimeInterval = 300

    let issuer: String
    let clock: any GatehouseCore.Clock

    /// The `iss` of an assertion before verification, to find the client whose keys verify it.
    static func unverifiedIssuer(of assertion: String) -> String? { UnverifiedJWT.claim("iss", of: assertion) }

    /// The `sub` (the client id, RFC 7523 §3) before verification, cut to 128 bytes: what a request without a
    /// `client_id` field is counted under by the failure limits, so one client's bad assertions never block
    /// another's at the same address.
    static func unverifiedSubject(of assertion: String) -> String? {
        UnverifiedJWT.claim("sub", of: assertion).map { String(decoding: $0.utf8.prefix(128), as: UTF8.self) }
    }

    /// The key ids a JWKS registers.
    static func keyIDs(in jwks: String) -> Set<String> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(jwks.utf8)) as? [String: Any],
              let keys = object["keys"] as? [[String: Any]] else { return [] }
        return Set(keys.compactMap { $0["kid"] as? String })
    }

    /// Returns the assertion's `jti` and `exp` for replay tracking; throws `invalid_client` with a reason otherwise.
    func verify(_ assertion: String, clientID: String, jwks: String?) async throws -> (jti: String, expiresAt: Date) {
        guard let jwks else { throw OAuthError(.invalidClient, "no JWKS is registered for this client") }
        // The assertion must name one of the client's keys. jwt-kit would verify an unknown or missing `kid`
        // against the collection's first key; a client that rotated a key out expects it to stop working.
        guard let kid = UnverifiedJWT.header(of: assertion)?.kid, Self.keyIDs(in: jwks).contains(kid) else {
            throw OAuthError(.invalidClient, "client assertion kid does not name a key in the client's JWKS")
        }
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
