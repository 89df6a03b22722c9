import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import JWTKit
import Testing
@testable import GatehouseServer

@Suite("POST /oauth/token")
struct TokenEndpointTests {
    @Test(arguments: StoreKind.enabled)
    func formCredentialsGetAProcoreShapedToken(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let result = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(result.status == .ok)
            #expect(result.header("Cache-Control") == "no-store")
            #expect(result.header("Pragma") == "no-cache")
            let json = result.json
            #expect(json["token_type"] as? String == "bearer")
            #expect(json["expires_in"] as? Int == 5400)
            #expect(json["created_at"] as? Int == Int(app.clock.now.timeIntervalSince1970))
            #expect(json["refresh_token"] == nil)
            #expect((json["access_token"] as? String)?.split(separator: ".").count == 3)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func basicJSONAndMultipartCredentialsAllWork(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)

            let basic = Data("\(account.clientID):\(account.secret)".utf8).base64EncodedString()
            let viaBasic = try await app.request(.post, "/oauth/token", headers: [.authorization: "Basic \(basic)", .contentType: "application/x-www-form-urlencoded"], body: "grant_type=client_credentials")
            #expect(viaBasic.status == .ok, "\(viaBasic.text)")

            let json = #"{"grant_type":"client_credentials","client_id":"\#(account.clientID)","client_secret":"\#(account.secret)"}"#
            let viaJSON = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/json"], body: json)
            #expect(viaJSON.status == .ok, "\(viaJSON.text)")

            let boundary = "XyZ123"
            var multipart = ""
            for (name, value) in [("grant_type", "client_credentials"), ("client_id", account.clientID), ("client_secret", account.secret)] {
                multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            multipart += "--\(boundary)--\r\n"
            let viaMultipart = try await app.request(.post, "/oauth/token", headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: multipart)
            #expect(viaMultipart.status == .ok, "\(viaMultipart.text)")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func unknownParametersSuchAsRedirectURIAreIgnored(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let body = "grant_type=client_credentials&client_id=\(account.clientID)&client_secret=\(account.secret)&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"
            let result = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
            #expect(result.status == .ok)
        }
    }

    /// The form splits on the byte `&`: a raw combining mark after it (one grapheme with the `&`) cannot glue the
    /// next parameter onto the secret, and the body `JSONEncoder` would write is the one sent.
    @Test(arguments: StoreKind.enabled)
    func theFormSplitsOnBytesAndTheBodyIsTheEncodersBytes(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let body = "grant_type=client_credentials&client_id=\(account.clientID)&client_secret=\(account.secret)&\u{301}extra=1"
            let result = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
            #expect(result.status == .ok)
            let token = try #require(result.json["access_token"] as? String)
            let expected = TokenBody(access_token: token, token_type: "bearer", expires_in: 5400, created_at: Int64(app.clock.now.timeIntervalSince1970))
            #expect(Array(result.body.readableBytesView) == Array(try JSONResponse.encoder.encode(expected)))
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let body: @Sendable (TestApp.Account) -> String
        let basic: Bool
        let status: HTTPResponse.Status
        let error: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(name: "missing grant_type", body: { "client_id=\($0.clientID)&client_secret=\($0.secret)" }, basic: false, status: .badRequest, error: "invalid_request"),
        ErrorCase(name: "unsupported grant", body: { "grant_type=password&client_id=\($0.clientID)&client_secret=\($0.secret)" }, basic: false, status: .badRequest, error: "unsupported_grant_type"),
        ErrorCase(name: "wrong secret", body: { "grant_type=client_credentials&client_id=\($0.clientID)&client_secret=wrong" }, basic: false, status: .unauthorized, error: "invalid_client"),
        ErrorCase(name: "unknown client", body: { _ in "grant_type=client_credentials&client_id=nobody&client_secret=x" }, basic: false, status: .unauthorized, error: "invalid_client"),
        ErrorCase(name: "no credentials", body: { _ in "grant_type=client_credentials" }, basic: false, status: .unauthorized, error: "invalid_client"),
        ErrorCase(name: "repeated parameter", body: { "grant_type=client_credentials&grant_type=client_credentials&client_id=\($0.clientID)&client_secret=\($0.secret)" }, basic: false, status: .badRequest, error: "invalid_request"),
        ErrorCase(name: "basic plus body secret", body: { "grant_type=client_credentials&client_secret=\($0.secret)" }, basic: true, status: .badRequest, error: "invalid_request"),
    ]

    @Test(arguments: errorCases)
    func errorsFollowRFC6749Section5_2(_ errorCase: ErrorCase) async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if errorCase.basic {
                headers[.authorization] = "Basic " + Data("\(account.clientID):\(account.secret)".utf8).base64EncodedString()
            }
            let result = try await app.request(.post, "/oauth/token", headers: headers, body: errorCase.body(account))
            #expect(result.status == errorCase.status)
            #expect(result.json["error"] as? String == errorCase.error)
            #expect(result.json["error_description"] is String)
            #expect(result.header("Cache-Control") == "no-store")
            if result.status == .unauthorized {
                #expect(result.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"gatehouse\"") == true, "every 401 carries a challenge")
            } else {
                #expect(result.header("WWW-Authenticate") == nil, "only a 401 carries a challenge")
            }
        }
    }

    @Test func wrongBasicSecretAnswers401WithABasicChallenge() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let basic = Data("\(account.clientID):not-the-secret".utf8).base64EncodedString()
            let result = try await app.request(.post, "/oauth/token", headers: [.authorization: "Basic \(basic)", .contentType: "application/x-www-form-urlencoded"], body: "grant_type=client_credentials")
            #expect(result.status == .unauthorized)
            #expect(result.json["error"] as? String == "invalid_client")
            #expect(result.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"gatehouse\"") == true)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func accessTokenIsAnES256JWTThatVerifiesAgainstTheJWKS(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)

            let jwks = try await app.request(.get, "/.well-known/jwks.json")
            #expect(jwks.status == .ok)
            #expect(!jwks.text.contains("\"d\""), "the JWKS must not carry private key material")
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks.text)

            struct Claims: JWTPayload {
                let iss: String
                let sub: String
                let aud: String
                let client_id: String
                let iat: Int
                let exp: Int
                let jti: String
                let gen: Int
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let claims = try await keys.verify(token, as: Claims.self)
            #expect(claims.iss == "http://gatehouse.test")
            #expect(claims.client_id == account.clientID)
            #expect(claims.exp - claims.iat == 5400)
            #expect(!claims.jti.isEmpty)
            #expect(claims.gen == 1)

            let headerData = Data(base64URLEncoded: String(token.split(separator: ".")[0]))!
            let header = try JSONSerialization.jsonObject(with: headerData) as! [String: Any]
            #expect(header["typ"] as? String == "at+jwt")
            #expect(header["alg"] as? String == "ES256")
            let publishedKIDs = (jwks.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            #expect(publishedKIDs.contains(header["kid"] as? String ?? "-"))
        }
    }

    @Test func metadataAdvertisesTheTokenEndpoint() async throws {
        try await TestApp.run(.sqlite) { app in
            let result = try await app.request(.get, "/.well-known/oauth-authorization-server")
            #expect(result.status == .ok)
            #expect(result.json["issuer"] as? String == "http://gatehouse.test")
            #expect(result.json["token_endpoint"] as? String == "http://gatehouse.test/oauth/token")
            #expect(result.json["jwks_uri"] as? String == "http://gatehouse.test/.well-known/jwks.json")
            #expect((result.json["grant_types_supported"] as? [String]) == ["client_credentials"])
        }
    }

    @Test func tokenTTLIsConfigurable() async throws {
        try await TestApp.run(.sqlite, configure: { $0.tokenTTL = 60 }) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let result = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(result.json["expires_in"] as? Int == 60)
        }
    }

    @Test func everyIssuanceIsAudited() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            _ = try await app.token(clientID: account.clientID, secret: account.secret)
            _ = try await app.token(clientID: account.clientID, secret: "wrong")
            let audit = try await app.admin(.get, "/audit").jsonArray
            let issuances = audit.filter { $0["action"] as? String == "token.issue" }
            #expect(issuances.contains { $0["outcome"] as? String == "success" })
            #expect(issuances.contains { $0["outcome"] as? String == "failure" && ($0["detail"] as? String ?? "").contains("invalid_client") })
        }
    }

    /// The three client calls are audited by `TokenService` under the client that called, or `anonymous` when
    /// the form named none; an unreadable form is audited as the failure of the call it was sent to.
    @Test(arguments: StoreKind.enabled)
    func everyClientCallIsAuditedUnderItsCaller(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (_, account, token) = try await app.tenant()
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            #expect(try await app.request(.post, "/oauth/token", headers: form, body: "grant_type=client_credentials&client_secret=x").status == .unauthorized)
            #expect(try await app.request(.post, "/oauth/introspect", headers: form, body: "%zz=1").status == .badRequest)
            #expect(try await app.request(.post, "/oauth/revoke", headers: form, body: "client_id=\(account.clientID)&client_secret=wrong&token=\(token)").status == .unauthorized)
            let introspected = try await app.request(.post, "/oauth/introspect", headers: form, body: "client_id=\(account.clientID)&client_secret=\(account.secret)&token=\(token)")
            #expect(introspected.json["active"] as? Bool == true)
            let revoked = try await app.request(.post, "/oauth/revoke", headers: form, body: "client_id=\(account.clientID)&client_secret=\(account.secret)&token=\(token)")
            #expect(revoked.status == .ok && revoked.text == "{}")

            let rows = try await app.admin(.get, "/audit?per_page=100").jsonArray
            func row(_ action: String, _ actor: String, _ outcome: String) -> Bool {
                rows.contains { $0["action"] as? String == action && $0["actor"] as? String == actor && $0["outcome"] as? String == outcome }
            }
            #expect(row("token.issue", "anonymous", "failure"), "no client id in the form")
            #expect(row("token.introspect", "anonymous", "failure"), "an unreadable form")
            #expect(row("token.revoke", "client:\(account.clientID)", "failure"), "a wrong secret")
            #expect(row("token.revoke", "client:\(account.clientID)", "success"), "the revocation itself")
            #expect(row("token.issue", "client:\(account.clientID)", "success"), "the tenant's own token")
            let introspect = try await app.request(.post, "/oauth/introspect", headers: form, body: "client_id=\(account.clientID)&client_secret=\(account.secret)&token=\(token)")
            #expect(introspect.json["active"] as? Bool == false, "revoked")
        }
    }
}
