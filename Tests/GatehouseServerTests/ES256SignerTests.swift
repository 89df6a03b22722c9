import Crypto
import Foundation
import GatehouseCore
@testable import GatehouseServer
import JWTKit
import Testing

/// The hand-written signer against jwt-kit, which verifies every token Gatehouse accepts.
@Suite("ES256 signer")
struct ES256SignerTests {
    func claims(issuer: String = "https://gatehouse.example", sid: Int64? = 7) -> AccessTokenClaims {
        AccessTokenClaims(
            iss: .init(value: issuer), sub: .init(value: "client-abc"), aud: .init(value: [issuer]), clientID: "client-abc",
            iat: .init(value: Date(timeIntervalSince1970: 1_700_000_000)), exp: .init(value: Date(timeIntervalSince1970: 1_700_005_400)),
            jti: .init(value: "jti-123"), gen: 3, sid: sid
        )
    }

    @Test(arguments: [Int64(7), nil])
    func jwtKitVerifiesWhatItSigns(_ sid: Int64?) async throws {
        let key = P256.Signing.PrivateKey()
        let signer = ES256Signer(kid: "k1", activatesAt: .distantPast, privateKey: key)
        let original = claims(sid: sid)
        let token = try signer.sign(original)
        let verifier = JWTKeyCollection()
        await verifier.add(ecdsa: try ES256PublicKey(backing: key.publicKey), kid: "k1")
        let verified = try await verifier.verify(token, as: AccessTokenClaims.self)
        #expect(verified == original)
        let header = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[0])))
        let fields = try #require(try JSONSerialization.jsonObject(with: header) as? [String: String])
        #expect(fields == ["alg": "ES256", "kid": "k1", "typ": "at+jwt"])
    }

    @Test func aTamperedTokenFailsAndAnotherKeyFails() async throws {
        let key = P256.Signing.PrivateKey()
        let token = try ES256Signer(kid: "k1", activatesAt: .distantPast, privateKey: key).sign(claims())
        let verifier = JWTKeyCollection()
        await verifier.add(ecdsa: try ES256PublicKey(backing: P256.Signing.PrivateKey().publicKey), kid: "k1")
        await #expect(throws: (any Error).self) { _ = try await verifier.verify(token, as: AccessTokenClaims.self) }
    }

    @Test func stringsAreEscapedAsJSONRequires() throws {
        let awkward = "https://gate\"house\\example\n\u{01}/é"
        let json = claims(issuer: awkward).compactJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["iss"] as? String == awkward)
        #expect(object["aud"] as? String == awkward, "one audience is a string, as jwt-kit writes it")
        #expect(object["iat"] as? Int == 1_700_000_000)
    }

    @Test func byteTextMatchesFoundation() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(ByteText.base64URL(bytes) == foundation)
            #expect(ByteText.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test func formDecodingMatchesFoundation() {
        for text in ["plain", "a+b", "a%20b", "%E2%9C%93", "100%25", "x%2By"] {
            #expect(FormURLEncoded.decode(text) == text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding)
        }
        #expect(FormURLEncoded.decode("bad%2") == nil)
        #expect(FormURLEncoded.decode("bad%zz") == nil)
        #expect(FormURLEncoded.decode("%FF") == nil, "not UTF-8")
    }
}

@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
    @Test func aFullCacheShedsItsLeastRecentlyUsedHalfNotEverything() {
        let cache = VerifiedTokenCache(capacity: 2)
        let claims = ES256SignerTests().claims()
        for token in ["a", "b", "c"] { cache[token] = .init(claims: claims, kid: "k") }
        #expect(cache.count == 3, "the full generation moved back instead of being dropped")
        #expect(cache["a"] != nil, "a hit in the older generation moves forward")
        cache["d"] = .init(claims: claims, kid: "k")
        #expect(cache["b"] == nil, "the entry nobody asked for is the one shed")
        #expect(cache["a"] != nil && cache["c"] != nil && cache["d"] != nil)
        #expect(cache.count <= 4)
    }
}
