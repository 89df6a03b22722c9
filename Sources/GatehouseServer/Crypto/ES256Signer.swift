import Crypto
import Foundation
import GatehouseCore

/// Compact ES256 JWS for access tokens, without jwt-kit's general path.
///
/// The profile showed jwt-kit spending more time around the signature than on it: a `JSONEncoder` pass for
/// the header and one for the claims, base64 through Foundation, and copies. Here the header is encoded once per
/// key, the claims are written straight into bytes (their shape is fixed), and the signature is P-256 over
/// SHA-256 from swift-crypto, emitted as the 64-byte `r || s` that RFC 7518 §3.4 asks for. jwt-kit still does
/// every verification, so any mistake here fails every REST test; `ES256SignerTests` and the PyJWT check in
/// `Tests/Browser/test_tokens.py` hold it to both libraries.
struct ES256Signer: Sendable {
    let kid: String
    let activatesAt: Date
    let privateKey: P256.Signing.PrivateKey
    /// base64url of `{"alg":"ES256","kid":…,"typ":"at+jwt"}`, followed by the `.` of the signing input.
    let headerPrefix: [UInt8]

    init(kid: String, activatesAt: Date, privateKey: P256.Signing.PrivateKey) {
        self.kid = kid
        self.activatesAt = activatesAt
        self.privateKey = privateKey
        var header = Array(#"{"alg":"ES256","kid":"#.utf8)
        JSONText.appendString(kid, to: &header)
        header += Array(#","typ":"at+jwt"}"#.utf8)
        headerPrefix = Array(ByteText.base64URL(header).utf8) + [UInt8(ascii: ".")]
    }

    func sign(_ claims: AccessTokenClaims) throws -> String {
        var input = headerPrefix
        input += ByteText.base64URL(claims.compactJSON()).utf8
        let signature = try privateKey.signature(for: input)
        var token = input
        token.append(UInt8(ascii: "."))
        token += ByteText.base64URL(signature.rawRepresentation).utf8
        return String(decoding: token, as: UTF8.self)
    }
}

extension AccessTokenClaims {
    /// The claims as compact JSON in one pass, keys in a fixed order. A single `aud` is a string and several an
    /// array, as jwt-kit writes them (RFC 7519 §4.1.3 allows both), so the wire format did not change.
    func compactJSON() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(320)
        out += #"{"iss":"#.utf8
        JSONText.appendString(iss.value, to: &out)
        out += #","sub":"#.utf8
        JSONText.appendString(sub.value, to: &out)
        out += #","aud":"#.utf8
        if aud.value.count == 1 {
            JSONText.appendString(aud.value[0], to: &out)
        } else {
            out.append(UInt8(ascii: "["))
            for (i, audience) in aud.value.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(audience, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out += #","client_id":"#.utf8
        JSONText.appendString(clientID, to: &out)
        out += #","iat":"#.utf8
        out += String(Int64(iat.value.timeIntervalSince1970.rounded(.down))).utf8
        out += #","exp":"#.utf8
        out += String(Int64(exp.value.timeIntervalSince1970.rounded(.down))).utf8
        out += #","jti":"#.utf8
        JSONText.appendString(jti.value, to: &out)
        out += #","gen":"#.utf8
        out += String(gen).utf8
        if let sid {
            out += #","sid":"#.utf8
            out += String(sid).utf8
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
