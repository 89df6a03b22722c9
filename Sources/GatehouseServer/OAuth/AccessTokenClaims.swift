import Foundation
import JWTKit

/// The claims of an access token (RFC 9068 profile, plus Gatehouse's own).
///
/// `gen` is the client's credential generation when the token was issued. The resource check compares it
/// with the current value, so a reset, disable or delete invalidates every earlier token at once; `sid` does the
/// same for one secret.
struct AccessTokenClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var clientID: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var gen: Int64
    /// The id of the client secret that minted the token; nil for `private_key_jwt`. Verification requires
    /// that secret to be active still.
    var sid: Int64?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, jti, gen, sid
        case clientID = "client_id"
    }

    /// Signature is checked by the key collection. Expiry is checked by ``TokenService`` against the injected
    /// clock, not here: jwt-kit would read the system clock, and sunset tests move time.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
