import Crypto
import Foundation
import GatehouseCore
import HTTPTypes
import JWTKit
import Logging
import Synchronization
import Testing

@Suite("Credential lifecycle")
struct CredentialLifecycleTests {
    func base(_ company: Int64, _ account: TestApp.Account) -> String { "/companies/\(company)/service_accounts/\(account.id)" }

    @Test(arguments: StoreKind.enabled)
    func resetSecretRevokesTheOldSecretTokensPermissionsAndMemberships(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly", "directory": "standard"])
            let template = try await app.createTemplate(company: company, ["rfi": "standard"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)", token: token, company: company).status == .ok)

            let reset = try await app.admin(.post, base(company, account) + "/reset_secret")
            #expect(reset.status == .ok)
            let newSecret = try #require(reset.json["client_secret"] as? String)
            #expect(newSecret != account.secret)
            #expect(reset.json["secret_id"] is Int)

            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized)
            let levels = try await app.admin(.get, "/companies/\(company)/people/\(account.contactID)/permissions").json["tools"] as? [String: String] ?? [:]
            #expect(levels.values.allSatisfy { $0 == "none" })
            #expect(try await app.admin(.get, "/projects/\(project)/memberships").jsonArray.isEmpty)

            let fresh = try await app.accessToken(clientID: account.clientID, secret: newSecret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: fresh, company: company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)", token: fresh, company: company).status == .forbidden)
            let audit = try await app.admin(.get, "/audit").jsonArray
            #expect(audit.contains { $0["action"] as? String == "service_account.reset_secret" })
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rotateKeepsBothSecretsUntilTheChosenExpiryAndTouchesNothingElse(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let rotated = try await app.admin(.post, base(company, account) + "/rotate_secret", json: ["previous_expires_in": 3600])
            #expect(rotated.status == .ok)
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            #expect((rotated.json["secrets"] as? [[String: Any]])?.count == 2)

            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok)
            #expect(try await app.token(clientID: account.clientID, secret: newSecret).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .ok)

            let third = try await app.admin(.post, base(company, account) + "/rotate_secret", json: [:])
            #expect(third.status == .conflict, "at most two secrets are active")

            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok, "issued tokens survive a rotation")

            app.clock.advance(by: 3600)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.token(clientID: account.clientID, secret: newSecret).status == .ok)
            // Spec rule 8 and the hardening issue: a secret's tokens end with it, at its expiry as at a retirement.
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized,
                    "tokens minted by the old secret end when it expires")
        }
    }

    @Test func aRotatedSecretCanBeRetiredEarlyButNotTheLastOne() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let rotated = try await app.admin(.post, base(company, account) + "/rotate_secret", json: ["previous_expires_in": 86400])
            let newID = try #require(rotated.json["secret_id"] as? Int)
            let secrets = try await app.admin(.get, base(company, account) + "/secrets").jsonArray
            let oldID = try #require(secrets.compactMap { $0["id"] as? Int }.first { $0 != newID })
            #expect(try await app.admin(.delete, base(company, account) + "/secrets/\(oldID)").status == .noContent)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.admin(.delete, base(company, account) + "/secrets/\(newID)").status == .conflict)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func disableEnableAndDelete(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let disabled = try await app.admin(.post, base(company, account) + "/disable")
            #expect(disabled.json["status"] as? String == "disabled")
            let refused = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(refused.status == .unauthorized)
            #expect(refused.json["error"] as? String == "invalid_client")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized)

            #expect(try await app.admin(.post, base(company, account) + "/enable").json["status"] as? String == "active")
            let again = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: again, company: company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized, "tokens from before the disable stay dead")

            #expect(try await app.admin(.delete, base(company, account)).status == .noContent)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: again, company: company).status == .unauthorized)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.admin(.get, base(company, account)).status == .notFound)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func revokeThenIntrospectIsInactiveAndTheRESTCallIs401(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let auth = "client_id=\(account.clientID)&client_secret=\(account.secret)"
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

            let active = try await app.request(.post, "/oauth/introspect", headers: form, body: "token=\(token)&\(auth)")
            #expect(active.status == .ok)
            #expect(active.json["active"] as? Bool == true)
            #expect(active.json["client_id"] as? String == account.clientID)

            #expect(try await app.request(.post, "/oauth/introspect", headers: form, body: "token=\(token)").status == .unauthorized, "introspection needs client authentication")

            let revoked = try await app.request(.post, "/oauth/revoke", headers: form, body: "token=\(token)&\(auth)")
            #expect(revoked.status == .ok)
            #expect(try await app.request(.post, "/oauth/revoke", headers: form, body: "token=garbage&\(auth)").status == .ok)

            let inactive = try await app.request(.post, "/oauth/introspect", headers: form, body: "token=\(token)&\(auth)")
            #expect(inactive.json["active"] as? Bool == false)
            #expect(inactive.json.count == 1)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized)
        }
    }

    @Test func aClientCannotRevokeOrInspectAnotherClientsToken() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, token) = try await app.tenant()
            let other = try await app.createServiceAccount(company: company, name: "Other")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let auth = "client_id=\(other.clientID)&client_secret=\(other.secret)"
            #expect(try await app.request(.post, "/oauth/introspect", headers: form, body: "token=\(token)&\(auth)").json["active"] as? Bool == false)
            _ = try await app.request(.post, "/oauth/revoke", headers: form, body: "token=\(token)&\(auth)")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
        }
    }

    @Test func tokenInfoHasProcoresShape() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, account, token) = try await app.tenant()
            let info = try await app.request(.get, "/oauth/token/info", headers: [.authorization: "Bearer \(token)"])
            #expect(info.status == .ok)
            #expect(info.json["resource_owner_id"] as? Int == Int(account.contactID))
            #expect(info.json["expires_in_seconds"] as? Int == 5400)
            #expect((info.json["application"] as? [String: Any])?["uid"] as? String == account.clientID)
            #expect(info.json["scopes"] as? [String] == [])
            #expect(info.json["created_at"] is Int)
            #expect(try await app.request(.get, "/oauth/token/info", headers: [.authorization: "Bearer nope"]).status == .unauthorized)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func keyRotationKeepsOldTokensValidAndNewTokensCarryTheNewKid(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, oldToken) = try await app.tenant()
            let oldKID = try Self.kid(oldToken)
            let rotated = try await app.admin(.post, "/keys/rotate", json: ["activate_in": 60])
            #expect(rotated.status == .created)
            let newKID = try #require(rotated.jsonArray.first { $0["kid"] as? String != oldKID }?["kid"] as? String)
            let jwks = try await app.request(.get, "/.well-known/jwks.json").text
            #expect(jwks.contains(newKID), "published before use")
            #expect(try Self.kid(try await app.accessToken(clientID: account.clientID, secret: account.secret)) == oldKID, "not signing before its activation")

            app.clock.advance(by: 60)
            let newToken = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try Self.kid(newToken) == newKID)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldToken, company: company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: newToken, company: company).status == .ok)
            #expect(try await app.request(.get, "/.well-known/jwks.json").text.contains(oldKID), "old key stays published while its tokens live")
            app.clock.advance(by: 5400)
            #expect(!(try await app.request(.get, "/.well-known/jwks.json").text.contains(oldKID)), "and is dropped once they have expired")
        }
    }

    static func kid(_ token: String) throws -> String {
        let header = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: String(token.split(separator: ".")[0]))!) as! [String: Any]
        return header["kid"] as! String
    }

    struct Assertion: JWTPayload {
        let iss: String
        let sub: String
        let aud: String
        let exp: Int
        let jti: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test(arguments: StoreKind.enabled)
    func privateKeyJWTSucceedsAndFailsOnAudienceExpiryAndReplay(_ kind: StoreKind) async throws {
        // Anchored at the real time: on PostgreSQL the replay window runs on the database's clock.
        try await TestApp.run(kind, clock: ManualClock(Date()), configure: TestApp.noSunset) { app in
            let (company, account, _) = try await app.tenant()
            let key = P256.Signing.PrivateKey()
            let point = key.publicKey.x963Representation
            let jwk: [String: Any] = ["kty": "EC", "crv": "P-256", "kid": "client-key", "alg": "ES256",
                                      "x": Data(point[1...32]).base64URLEncodedString(), "y": Data(point[33...64]).base64URLEncodedString()]
            #expect(try await app.admin(.put, base(company, account) + "/jwks", json: ["keys": [jwk]]).status == .ok)
            var privateJWK = jwk
            privateJWK["d"] = key.rawRepresentation.base64URLEncodedString()
            #expect(try await app.admin(.put, base(company, account) + "/jwks", json: ["keys": [privateJWK]]).status == .unprocessableContent)

            let signer = JWTKeyCollection()
            await signer.add(ecdsa: try ES256PrivateKey(backing: key), kid: "client-key")
            // The replay window runs on the database's clock, which kept going while the suite set this test up
            // (over a minute under CI load): bring the server's clock to the real time before the assertions.
            app.clock.set(Date())
            let now = Int(app.clock.now.timeIntervalSince1970)
            func assertion(aud: String = "http://gatehouse.test/oauth/token", exp: Int? = nil, jti: String = UUID().uuidString) async throws -> String {
                try await signer.sign(Assertion(iss: account.clientID, sub: account.clientID, aud: aud, exp: exp ?? now + 60, jti: jti), kid: "client-key")
            }
            func exchange(_ assertion: String) async throws -> HTTPResult {
                try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"],
                                      body: "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(assertion)")
            }
            let good = try await assertion(jti: "once")
            #expect(try await exchange(good).status == .ok)
            let replay = try await exchange(good)
            #expect(replay.status == .unauthorized)
            #expect(replay.json["error"] as? String == "invalid_client")
            #expect(try await exchange(try await assertion(aud: "https://elsewhere.example")).status == .unauthorized)
            #expect(try await exchange(try await assertion(exp: now - 1)).status == .unauthorized)
            #expect(try await exchange(try await assertion(exp: now + 3600)).status == .unauthorized, "long-lived assertions are refused")
            let metadata = try await app.request(.get, "/.well-known/oauth-authorization-server")
            #expect((metadata.json["token_endpoint_auth_methods_supported"] as? [String])?.contains("private_key_jwt") == true)
        }
    }

    @Test func noSecretOrTokenEverAppearsInTheLogs() async throws {
        let sink = LogSink()
        var logger = Logger(label: "captured") { _ in CapturingLogHandler(sink: sink) }
        logger.logLevel = .trace
        let leaked = try await TestApp.run(.sqlite, logger: logger) { app -> [String] in
            let (company, account, token) = try await app.tenant()
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            _ = try await app.token(clientID: account.clientID, secret: "wrong-\(account.secret)")
            _ = try await app.rest(.get, "/rest/v1.0/me?access_token=\(token)", token: token, company: company)
            let rotated = try await app.admin(.post, base(company, account) + "/rotate_secret", json: ["previous_expires_in": 60])
            let reset = try await app.admin(.post, base(company, account) + "/reset_secret")
            let secret2 = reset.json["client_secret"] as? String ?? "-"
            let token2 = try await app.accessToken(clientID: account.clientID, secret: secret2)
            _ = try await app.request(.post, "/oauth/introspect", headers: form, body: "token=\(token2)&client_id=\(account.clientID)&client_secret=\(secret2)")
            _ = try await app.request(.post, "/oauth/revoke", headers: form, body: "token=\(token2)&client_id=\(account.clientID)&client_secret=\(secret2)")
            let text = sink.text
            #expect(!text.isEmpty, "the capture must see log lines, or the check proves nothing")
            return [account.secret, token, rotated.json["client_secret"] as? String ?? "-", secret2, token2, TestApp.adminToken].filter { text.contains($0) }
        }
        #expect(leaked.isEmpty)
    }
}

final class LogSink: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// Records every log line with its metadata, as a real handler would print it.
struct CapturingLogHandler: LogHandler {
    let sink: LogSink
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.append("\(event.level) \(event.message) \(all)")
    }
}
