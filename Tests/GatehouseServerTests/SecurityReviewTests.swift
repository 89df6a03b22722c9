import Crypto
import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import JWTKit
import Logging
import Testing

/// The findings of the security review of the console, portal and operations (issue 24), one test each.
@Suite("Security review")
struct SecurityReviewTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Wrong secrets at introspection and revocation are limited and audited as at the token endpoint.
    @Test(arguments: StoreKind.enabled)
    func introspectAndRevokeGoThroughTheFailureLimitsAndTheAudit(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.failurePolicy = FailurePolicy(perCredential: 5, perAddress: 1000) }) { app in
            let (company, account, token) = try await app.tenant()
            let other = try await app.createServiceAccount(company: company, name: "Other")
            // One client per endpoint: both share the OAuth door's counters.
            for (endpoint, account) in [("/oauth/introspect", account), ("/oauth/revoke", other)] {
                var statuses: [Int] = []
                for _ in 0..<8 {
                    let result = try await app.request(.post, endpoint, headers: Self.form,
                                                       body: "token=\(token)&client_id=\(account.clientID)&client_secret=wrong")
                    statuses.append(Int(result.status.code))
                }
                #expect(statuses.prefix(4).allSatisfy { $0 == 401 }, "\(endpoint): \(statuses)")
                #expect(statuses.suffix(3).allSatisfy { $0 == 429 }, "\(endpoint): the credential is blocked: \(statuses)")
            }
            for (action, account) in [("token.introspect", account), ("token.revoke", other)] {
                var filter = AuditFilter(action: action)
                filter.outcome = "failure"
                let rows = try await app.runtime.store.auditEntries(filter, limit: 50, offset: 0)
                #expect(rows.total >= 4, "\(action) failures are audited")
                #expect(rows.items.allSatisfy { $0.actor == "client:\(account.clientID)" })
            }
            // The right secret still works at the token endpoint: the failures were at this credential's address
            // only, and its block holds for the OAuth door alone.
            let introspected = try await app.request(.post, "/oauth/introspect", headers: Self.form,
                                                     body: "token=\(token)&client_id=\(account.clientID)&client_secret=\(account.secret)")
            #expect(introspected.status == .tooManyRequests, "a blocked credential is refused before its secret is checked")
        }
    }

    /// One client failing from a shared egress address blocks neither healthy clients behind it, nor the
    /// console's sign-in or the admin API from that address. Only failures from the blocked address get 429.
    @Test(arguments: StoreKind.enabled)
    func aSharedAddressDoesNotLockOutHealthyClients(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.failurePolicy = FailurePolicy(perCredential: 5, perAddress: 20) }) { app in
            let (company, healthy, _) = try await app.tenant()
            // 60 failures from this address, under many client ids, so the address itself is over its limit.
            var last = 0
            for i in 0..<60 {
                last = Int(try await app.token(clientID: "guess-\(i % 20)", secret: "wrong").status.code)
            }
            #expect(last == 429, "failures from the blocked address are slowed")
            #expect(try await app.token(clientID: healthy.clientID, secret: healthy.secret).status == .ok, "a healthy client behind it is answered")
            #expect(try await app.token(clientID: healthy.clientID, secret: "wrong").status == .tooManyRequests)
            // Other doors keep their own counters.
            _ = try await app.createUser(company: company, email: "person@acme.test")
            _ = try await app.signIn("person@acme.test")
            #expect(try await app.admin(.get, "/companies").status == .ok)
        }
    }

    /// Where a person chooses the secret, a blocked address stays blocked, the right password included.
    @Test func aBlockedAddressStaysBlockedAtLogin() async throws {
        try await TestApp.run(.sqlite, configure: { $0.failurePolicy = FailurePolicy(perCredential: 100, perAddress: 5) }) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "person@acme.test")
            for i in 0..<6 {
                _ = try? await app.signIn("nobody\(i)@acme.test", password: "wrong-password")
            }
            await #expect(throws: TestFailure.self) { _ = try await app.signIn("person@acme.test") }
        }
    }

    typealias Assertion = CredentialLifecycleTests.Assertion

    /// A service account that authenticates with `private_key_jwt`, and a signer for its key.
    static func assertionClient(_ app: TestApp, company: Int64, name: String) async throws -> (account: TestApp.Account, signer: JWTKeyCollection) {
        let account = try await app.createServiceAccount(company: company, name: name)
        let key = P256.Signing.PrivateKey()
        let point = key.publicKey.x963Representation
        let jwk: [String: Any] = ["kty": "EC", "crv": "P-256", "kid": "client-key", "alg": "ES256",
                                  "x": Data(point[1...32]).base64URLEncodedString(), "y": Data(point[33...64]).base64URLEncodedString()]
        let put = try await app.admin(.put, "/companies/\(company)/service_accounts/\(account.id)/jwks", json: ["keys": [jwk]])
        #expect(put.status == .ok)
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: try ES256PrivateKey(backing: key), kid: "client-key")
        return (account, signer)
    }

    static func exchange(_ app: TestApp, _ assertion: String) async throws -> HTTPResult {
        try await app.request(.post, "/oauth/token", headers: form,
                              body: "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(assertion)")
    }

    /// Bad assertions sent without a `client_id` field count under their `sub`, so they never block another
    /// `private_key_jwt` client at the same address. And an assertion whose `kid` names no registered key is
    /// refused, not checked against the client's first key.
    @Test(arguments: StoreKind.enabled)
    func assertionsCountUnderTheirSubjectAndNeedAKnownKid(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, clock: ManualClock(Date()), configure: {
            TestApp.noSunset(&$0)
            $0.failurePolicy = FailurePolicy(perCredential: 5, perAddress: 1000)
        }) { app in
            let company = try await app.createCompany()
            let a = try await Self.assertionClient(app, company: company, name: "A")
            let b = try await Self.assertionClient(app, company: company, name: "B")
            app.clock.set(Date())   // the replay window runs on the database's clock; see CredentialLifecycleTests
            let now = Int(app.clock.now.timeIntervalSince1970)
            for _ in 0..<7 {
                let bad = try await a.signer.sign(Assertion(iss: a.account.clientID, sub: a.account.clientID, aud: "https://elsewhere.example",
                                                            exp: now + 60, jti: UUID().uuidString), kid: "client-key")
                _ = try await Self.exchange(app, bad)
            }
            let good = try await b.signer.sign(Assertion(iss: b.account.clientID, sub: b.account.clientID, aud: "http://gatehouse.test/oauth/token",
                                                         exp: now + 60, jti: UUID().uuidString), kid: "client-key")
            #expect(try await Self.exchange(app, good).status == .ok, "B is not blocked by A's failures")
            let blocked = try await a.signer.sign(Assertion(iss: a.account.clientID, sub: a.account.clientID, aud: "http://gatehouse.test/oauth/token",
                                                            exp: now + 60, jti: UUID().uuidString), kid: "client-key")
            #expect(try await Self.exchange(app, blocked).status == .tooManyRequests, "A itself is slowed")

            // B's own key, under a kid B never registered.
            let unknownKid = try await Self.signedWithKid(app, b: b, kidInHeader: "rotated-out", now: now)
            let refused = try await Self.exchange(app, unknownKid)
            #expect(refused.status == .unauthorized)
            #expect(refused.json["error"] as? String == "invalid_client")
        }
    }

    /// An assertion signed by B's key whose header names a kid B never registered.
    static func signedWithKid(_ app: TestApp, b: (account: TestApp.Account, signer: JWTKeyCollection), kidInHeader: String, now: Int) async throws -> String {
        let token = try await b.signer.sign(Assertion(iss: b.account.clientID, sub: b.account.clientID, aud: "http://gatehouse.test/oauth/token",
                                                      exp: now + 60, jti: UUID().uuidString), kid: "client-key")
        // Re-sign the same claims with the same key under another kid: rebuild the header and signature.
        let parts = token.split(separator: ".")
        var header = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: String(parts[0]))!) as! [String: Any]
        header["kid"] = kidInHeader
        let headerPart = try JSONSerialization.data(withJSONObject: header).base64URLEncodedString()
        let signingInput = Data("\(headerPart).\(parts[1])".utf8)
        let signature = try await b.signer.getKey(for: "client-key").sign(signingInput)
        return "\(headerPart).\(parts[1]).\(Data(signature).base64URLEncodedString())"
    }

    /// With every `X-Forwarded-For` hop trusted, the client is the peer, not the leftmost entry the client chose.
    @Test func everyHopTrustedMeansThePeer() async throws {
        try await TestApp.run(.sqlite, live: true, configure: { $0.trustedProxies = [AddressRange("127.0.0.0/8")!] }) { app in
            let spoofed = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded",
                                                                                   HTTPField.Name("X-Forwarded-For")!: "127.0.0.9, 127.0.0.8"],
                                                body: "grant_type=client_credentials&client_id=nobody&client_secret=wrong")
            #expect(spoofed.status == .unauthorized)
            let rows = try await app.runtime.store.auditEntries(AuditFilter(action: "token.issue"), limit: 5, offset: 0).items
            #expect(rows.first?.remoteAddress == "127.0.0.1", "the peer, not 127.0.0.9: \(rows.map(\.remoteAddress))")
            let proxied = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded",
                                                                                   HTTPField.Name("X-Forwarded-For")!: "198.51.100.7, 127.0.0.8"],
                                                body: "grant_type=client_credentials&client_id=nobody&client_secret=wrong")
            #expect(proxied.status == .unauthorized)
            let again = try await app.runtime.store.auditEntries(AuditFilter(action: "token.issue"), limit: 5, offset: 0).items
            #expect(again.first?.remoteAddress == "198.51.100.7", "the rightmost untrusted hop")
        }
    }

    /// `/metrics` on a non-loopback address without a token is announced at start-up.
    @Test func metricsOnAnOpenAddressWithoutATokenWarns() async throws {
        for (host, token, warns) in [("0.0.0.0", nil, true), ("127.0.0.1", nil, false), ("0.0.0.0", "a-metrics-token-of-length", false)] as [(String, String?, Bool)] {
            let sink = LogSink()
            var logger = Logger(label: "captured") { _ in CapturingLogHandler(sink: sink) }
            logger.logLevel = .info
            try await TestApp.run(.sqlite, logger: logger, configure: { $0.host = host; $0.metricsToken = token }) { _ in }
            #expect(sink.text.contains("/metrics is served on a non-loopback address without a token") == warns, "\(host) \(token ?? "no token")")
        }
    }

    /// A company admin cannot reach another developer's private app: linking it (by id, through the admin API with
    /// a session or any other door) is the same 422 as an unknown id and names no app; it never reaches the
    /// marketplace page; and an old link to it does not let `migrate` install it. An operator may link any app.
    @Test(arguments: StoreKind.enabled)
    func companyAdminsCannotReachAPrivateApp(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let company = try await app.createCompany()
            let developerCompany = try await app.createCompany("Developer Co")
            _ = try await app.createUser(company: developerCompany, email: "dev@example.test")
            let developer = try await app.signIn("dev@example.test")
            let created = try await app.submit(developer, "/developer/apps", ["name": "Secret Sauce"])
            #expect(created.status.code < 400, "\(created.status)")
            let privateApp = try #require(try await app.admin(.get, "/apps").jsonArray.first { $0["name"] as? String == "Secret Sauce" }?["id"] as? Int)

            let adminID = try await app.createUser(company: company, email: "admin@acme.test")
            try await app.grant(company: company, person: adminID, ["admin": "admin"])
            let admin = try await app.signIn("admin@acme.test")
            var headers = admin.headers
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("X-CSRF-Token")!] = admin.csrf
            func link(_ appID: Int) async throws -> HTTPResult {
                try await app.request(.post, "/admin/v1/companies/\(company)/service_accounts", headers: headers,
                                      body: #"{"name":"Probe","app_type":"marketplace","app_id":\#(appID)}"#)
            }
            let refused = try await link(privateApp)
            let unknown = try await link(987_654)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text == unknown.text, "an unlisted app and an unknown id answer alike")
            #expect(!refused.text.contains("Secret Sauce"))
            let page = try await app.page(admin, "/marketplace")
            #expect(!page.text.contains("Secret Sauce"))

            // An operator may link it; that link alone keeps a migrate possible later.
            let byOperator = try await app.admin(.post, "/companies/\(company)/service_accounts",
                                                 json: ["name": "Linked", "app_type": "marketplace", "app_id": privateApp])
            #expect(byOperator.status == .created)
            // A link made before this rule (stored as not the operator's) cannot migrate to the private app.
            let legacy = try await app.admin(.post, "/companies/\(company)/service_accounts",
                                             json: ["name": "Legacy", "app_type": "marketplace", "app_id": privateApp])
            let legacyID = try #require(legacy.json["id"] as? Int)
            try await app.runtime.store.database.withWriter { db in
                try await db.raw("UPDATE service_accounts SET app_linked_by_operator = \(bind: false) WHERE id = \(bind: Int64(legacyID))").run()
            }
            let migrated = try await app.admin(.post, "/companies/\(company)/service_accounts/\(legacyID)/migrate")
            #expect(migrated.status == .unprocessableContent)
            #expect(!migrated.text.contains("Secret Sauce"))
        }
    }

    /// Inviting a collaborator answers alike whether or not the email has an account anywhere, and the app shows in
    /// the invitee's "My apps" only once they accept there.
    @Test(arguments: StoreKind.enabled)
    func collaboratorsAreInvitedNotEnumerated(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "dev@example.com")
            _ = try await app.createUser(company: company, email: "friend@example.com")
            let dev = try await app.signIn("dev@example.com")
            var headers = dev.headers
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("X-CSRF-Token")!] = dev.csrf
            let created = try await app.request(.post, "/admin/v1/apps", headers: headers, body: #"{"name":"Field Notes"}"#)
            let appID = try #require(created.json["id"] as? Int)
            func invite(_ email: String) async throws -> HTTPResult {
                try await app.request(.post, "/admin/v1/apps/\(appID)/collaborators", headers: headers, body: #"{"email":"\#(email)"}"#)
            }
            let existing = try await invite("friend@example.com")
            let nobody = try await invite("nobody@example.com")
            #expect(existing.status == .created)
            #expect(existing.status == nobody.status)
            #expect(existing.json["status"] as? String == "invited" && nobody.json["status"] as? String == "invited")
            #expect(Set(existing.json.keys) == Set(nobody.json.keys), "the same shape either way")

            let friend = try await app.signIn("friend@example.com")
            let before = try await app.page(friend, "/developer/apps")
            #expect(before.text.contains("id=\"accept-invitation\""))
            #expect(!before.text.contains("href=\"/developer/apps/\(appID)\""), "not among the invitee's apps yet")
            #expect(try await app.page(friend, "/developer/apps/\(appID)").status == .notFound)
            let accepted = try await app.submit(friend, "/developer/invitations/\(appID)/accept", [:])
            #expect(accepted.status == .seeOther)
            let after = try await app.page(friend, "/developer/apps")
            #expect(after.text.contains("href=\"/developer/apps/\(appID)\""))
            #expect(!after.text.contains("accept-invitation"))
            #expect(try await app.submit(friend, "/developer/invitations/\(appID)/accept", [:]).status == .notFound, "an invitation is used once")
        }
    }
}

