import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import Synchronization

/// Issues and verifies access tokens. The one place that knows what makes a client or a token valid.
struct TokenService<Repository: ClientStore & AuditStore & CredentialStore & AppStore & InstallationStore & CompanyStore>: Sendable {
    let repository: Repository
    let keys: KeyRing
    let hasher: SecretHasher
    let issuer: String
    let ttl: Int
    let clock: any GatehouseCore.Clock
    let policy: SunsetPolicy
    /// Signatures already checked, by token. ES256 verification dominates a REST call's CPU, and clients
    /// reuse one token for up to 90 minutes. Only the signature result is cached: expiry, generation,
    /// revocation and the client's state are still checked on every call.
    let verifiedSignatures: VerifiedTokenCache
    /// The deprecation headers of this policy, computed once.
    let deprecation: Deprecation.Headers
    /// Where the client calls' outcomes are recorded (see `TokenService+ClientCalls.swift`).
    let auditor: Auditor<Repository>
    /// The failure limits every client call runs under.
    let failures: FailureLimiter

    struct Issued: Sendable {
        let accessToken: String
        let expiresIn: Int
        let createdAt: Date
        let record: ClientRecord
    }

    /// Authenticates the client and signs a token. Every failure is an ``OAuthError`` whose description is
    /// safe to show; the reason is also returned for the audit log.
    func issue(_ request: TokenRequest) async throws -> Issued {
        let credentials = request.credentials
        let basic = credentials.method == .basic
        guard let grantType = request.parameters["grant_type"], !grantType.isEmpty else {
            throw OAuthError(.invalidRequest, "grant_type is required")
        }
        guard grantType == "client_credentials" else {
            throw OAuthError(.unsupportedGrantType, "only the client_credentials grant is supported")
        }
        // Procore's token endpoint takes no scope and ignores one it is sent; so does Gatehouse, because
        // access follows the contact's directory permissions. See docs/decisions.md, "Scope".
        let (record, secretID) = try await authenticateWithSecret(credentials)
        let now = clock.now
        guard record.client.isEnabled else {
            throw OAuthError(.invalidClient, "client is disabled", challengeBasic: basic)
        }
        if let account = record.serviceAccount, try await !repository.isActiveCompany(account.companyID) {
            throw OAuthError(.invalidClient, "the account's company is deactivated", challengeBasic: basic)
        }
        if record.serviceAccount != nil, !policy.traditionalAccountsWork(at: now) {
            var error = OAuthError(.unauthorizedClient, "Traditional service accounts were sunset on \(Deprecation.httpDate(policy.sunsetAt)); migrate to a developer managed service account (DMSA)")
            error.extraHeaders = deprecation.token
            throw error
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: .init(value: issuer),
            sub: .init(value: record.client.clientID),
            aud: .init(value: [issuer]),
            clientID: record.client.clientID,
            iat: .init(value: issuedAt),
            exp: .init(value: issuedAt.addingTimeInterval(TimeInterval(ttl))),
            jti: .init(value: RandomToken.base64URL(byteCount: 16)),
            gen: record.client.generation,
            sid: secretID
        )
        let token = try await keys.sign(claims)
        return Issued(accessToken: token, expiresIn: ttl, createdAt: issuedAt, record: record)
    }

    /// Authenticates a client by secret or by `private_key_jwt`; used by the token, revocation and
    /// introspection endpoints alike.
    func authenticate(_ credentials: ClientCredentials) async throws -> ClientRecord {
        try await authenticateWithSecret(credentials).record
    }

    /// As ``authenticate(_:)``, and which stored secret matched (nil for `private_key_jwt`), so the token can
    /// name the secret that minted it.
    func authenticateWithSecret(_ credentials: ClientCredentials) async throws -> (record: ClientRecord, secretID: Int64?) {
        let basic = credentials.method == .basic
        let now = clock.now
        if credentials.method == .privateKeyJWT, let assertion = credentials.assertion {
            guard let clientID = credentials.clientID.isEmpty ? ClientAssertionVerifier.unverifiedIssuer(of: assertion) : credentials.clientID,
                  let record = try await repository.clientRecord(clientID: clientID)
            else { throw OAuthError(.invalidClient, "client authentication failed") }
            let verifier = ClientAssertionVerifier(issuer: issuer, clock: clock)
            let (jti, expiresAt) = try await verifier.verify(assertion, clientID: clientID, jwks: record.jwks)
            let fresh: Bool
            do {
                fresh = try await repository.useAssertion(jti: "\(clientID):\(jti)", expiresAt: expiresAt, at: now)
            } catch {
                // A replay check that could not run is not a replay: say so, and let the client retry.
                throw OAuthError(.temporarilyUnavailable, "the token service is temporarily unavailable; retry")
            }
            guard fresh else { throw OAuthError(.invalidClient, "client assertion jti was already used") }
            return (record, nil)
        }
        guard let record = try await repository.clientRecord(clientID: credentials.clientID), let secret = credentials.secret else {
            throw OAuthError(.invalidClient, "client authentication failed", challengeBasic: basic)
        }
        // Check every active secret (at most two) without stopping early, so timing does not reveal which matched.
        var matched: StoredSecret?
        for stored in record.secrets where stored.isActive(at: now) {
            if hasher.verify(secret, against: stored.hash) { matched = stored }
        }
        guard let matched else {
            throw OAuthError(.invalidClient, "client authentication failed", challengeBasic: basic)
        }
        if !hasher.isCurrent(matched.hash) {
            // Made with an earlier master key's pepper: re-hash now, the one moment the secret is in hand. A failed
            // write changes nothing that matters (the old hash still verifies), so the next request tries again.
            try? await repository.rehashSecret(id: matched.id, clientID: record.client.clientID, from: matched.hash, to: hasher.hash(secret))
        }
        return (record, matched.id)
    }

    /// Revokes one token (RFC 7009) until its own expiry.
    func revoke(_ token: VerifiedToken) async throws {
        try await repository.revokeToken(jti: token.claims.jti.value, expiresAt: token.claims.exp.value)
    }

    /// Checks signature, `typ`, issuer and expiry, then the live client state: it must exist, be enabled
    /// and still be on the generation the token was issued under.
    func verify(_ token: String) async throws(TokenRejection) -> VerifiedToken {
        // Gatehouse's tokens are under 1 KB; anything far larger is refused before it is parsed or cached.
        guard token.utf8.count <= 4_096 else { throw .malformed }
        // A token verified before skips the header parse and the signature; its key is still checked below.
        let cached = verifiedSignatures[token]
        let kid: String
        if let cached {
            kid = cached.kid
        } else {
            guard let header = UnverifiedJWT.header(of: token), header.typ == "at+jwt" else { throw .wrongType }
            // Only tokens that name a key, and a key that is still published, verify.
            guard let named = header.kid else { throw .malformed }
            kid = named
        }
        // A retired key's tokens end at once, cached signature or not; checked before any signature work.
        guard await mayVerify(kid: kid) else { throw .badSignature }
        let claims: AccessTokenClaims
        if let cached {
            claims = cached.claims
        } else {
            do {
                claims = try await keys.verify(token)
            } catch {
                throw .badSignature
            }
            verifiedSignatures[token] = .init(claims: claims, kid: kid)
        }
        guard claims.iss.value == issuer else { throw .wrongIssuer }
        guard claims.exp.value > clock.now else { throw .expired }
        // No token outlives the configured lifetime, whatever its own claims say.
        guard claims.exp.value.timeIntervalSince(claims.iat.value) <= TimeInterval(ttl) else { throw .expired }
        let record: ClientRecord?
        do {
            record = try await repository.clientRecord(clientID: claims.clientID)
        } catch {
            throw .unavailable
        }
        guard let record else { throw .unknownClient }
        guard record.client.isEnabled else { throw .disabled }
        guard record.client.generation == claims.gen else { throw .superseded }
        // A token minted with a secret dies with it: retiring a secret, or its expiry after a rotation, ends
        // the tokens it issued at once, as a reset does.
        if let sid = claims.sid, !record.secrets.contains(where: { $0.id == sid && $0.isActive(at: clock.now) }) { throw .secretRetired }
        // Tokens of traditional accounts stop at the sunset instant, whatever their own expiry says.
        if record.serviceAccount != nil, !policy.traditionalAccountsWork(at: clock.now) { throw .sunset }
        if let account = record.serviceAccount {
            let active: Bool
            do { active = try await repository.isActiveCompany(account.companyID) } catch { throw .unavailable }
            guard active else { throw .companyInactive }
        }
        let revoked: Bool
        do { revoked = try await repository.isTokenRevoked(jti: claims.jti.value) } catch { throw .unavailable }
        guard !revoked else { throw .revoked }
        return VerifiedToken(claims: claims, record: record)
    }

    private func mayVerify(kid: String) async -> Bool {
        if let known = keys.mayVerify(kid: kid) { return known }
        return await keys.mayVerifyAfterRefresh(kid: kid)
    }

}

/// Why a bearer token was refused. Never shown in detail to the caller beyond `invalid_token`, except
/// `unavailable`: the store could not answer, which says nothing about the token (503, not 401).
enum TokenRejection: Error {
    case malformed, badSignature, wrongType, wrongIssuer, expired, unknownClient, disabled, superseded, secretRetired, revoked, sunset, companyInactive, unavailable
}

/// A token whose signature, claims and client state were all checked just now.
struct VerifiedToken: Sendable {
    let claims: AccessTokenClaims
    let record: ClientRecord

    /// A traditional account's token; it carries the deprecation headers and stops at the sunset.
    var isTraditional: Bool { record.serviceAccount != nil }
}

/// A bounded map from token string to its verified claims and key; a full cache sheds its older half
/// (``GenerationalMap``) rather than making every live token pay a signature check in the same instant.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let claims: AccessTokenClaims
        let kid: String
    }

    private let entries: Mutex<GenerationalMap<String, Entry>>

    /// `capacity` entries per generation; at most twice this are held.
    init(capacity: Int = 25_000) { entries = Mutex(GenerationalMap(capacity: capacity)) }

    subscript(token: String) -> Entry? {
        get { entries.withLock { $0.get(token) } }
        set {
            guard let newValue else { return }
            entries.withLock { $0.set(newValue, for: token) }
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
