import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import Logging
import Testing

/// First items of the hardening issue: what a hostile or careless client meets.
@Suite("Hardening")
struct HardeningTests {
    @Test func aShortOperatorTokenStopsStartUpWithAClearMessage() async throws {
        var configuration = TestApp.baseConfiguration(clock: ManualClock(), masterKey: MasterKey.generate().encoded)
        configuration.adminToken = "too-short-to-be-safe"
        do {
            _ = try await buildApplication(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("a short operator token must stop start-up")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("at least 32"))
        }
        try? FileManager.default.removeItem(atPath: configuration.dataDirectory)
    }

    /// PostgreSQL cannot store a NUL; no store sees one, so the answer is 422 on both.
    @Test(arguments: StoreKind.enabled)
    func aStringHoldingANULIsRefusedWith422(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let escaped = try await app.admin(.post, "/companies", raw: #"{"name":"Acme\u0000Builders"}"#)
            #expect(escaped.status == .unprocessableContent)
            #expect(escaped.errorFields["body"] == "contains a NUL character")
            let company = try await app.createCompany()
            let user = try await app.admin(.post, "/companies/\(company)/users", raw: #"{"first_name":"Pat\U0000","email":"pat@example.com"}"#)
            #expect(user.status == .unprocessableContent)
            let token = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"],
                                              body: "grant_type=client_credentials&client_id=abc%00def&client_secret=x")
            #expect(token.status == .badRequest)
            #expect(token.json["error"] as? String == "invalid_request")
            #expect(try await app.admin(.get, "/companies").jsonArray.count == 1, "nothing was stored")
        }
    }

    /// A NUL can arrive percent-encoded in any URL too: in a filter it reached PostgreSQL and answered 500
    /// (schemathesis found it on `GET /admin/v1/audit?action=`). One check before routing refuses it everywhere.
    @Test(arguments: StoreKind.enabled)
    func aNULInTheURLIsRefusedWith400(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            // Each on a method its path serves (`/keys/{kid}` is DELETE only).
            for (method, path) in [(HTTPRequest.Method.get, "/audit?action=a%00b&company_id=\(company)"), (.get, "/audit?actor=%00"),
                                   (.delete, "/keys/abc%00def"), (.get, "/companies/\(company)/audit?action=x%00")] {
                let response = try await app.admin(method, path)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.errorFields["url"] == "contains %00", "\(path)")
            }
            #expect(try await app.admin(.get, "/audit?action=a%01b").status == .ok, "other escapes are ordinary text")
            // A method the path does not serve never reaches a handler: 405 with Allow, as without the NUL.
            let trace = try await app.admin(.trace, "/audit?since=%00")
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.header("Allow") != nil)
        }
    }

    /// A `Procore-Company-Id` that is present but not a company id, empty included, is a 400: reading an empty
    /// header as "no company" let the call act in the token's own company (schemathesis, negative mode).
    @Test(arguments: StoreKind.enabled)
    func aCompanyHeaderThatIsNotAnIdIs400EvenWhenEmpty(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, token) = try await app.tenant()
            for value in ["", " ", "abc", "0", "-3", "9223372036854775808"] {
                let response = try await app.request(.get, "/rest/v1.0/me", headers: [.authorization: "Bearer \(token)", HTTPField.Name("Procore-Company-Id")!: value])
                #expect(response.status == .badRequest, "'\(value)'")
                #expect(response.errorCode == "invalid_company", "'\(value)'")
            }
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil).status == .ok, "absent still means the account's company")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
        }
    }

    /// Lengths are counted as the published document counts them (JSON Schema: code points), on the text as sent.
    /// A letter and an emoji modifier are one Swift `Character` but two code points, so `count` let 101 through.
    @Test(arguments: StoreKind.enabled)
    func lengthLimitsCountCodePointsAsSent(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let modified = "a\u{1F3FB}"
            #expect(modified.count == 1 && modified.unicodeScalars.count == 2)
            let tooLong = modified + String(repeating: "*", count: 99)
            let app101 = try await app.admin(.post, "/apps", json: ["name": tooLong])
            #expect(app101.status == .unprocessableContent)
            #expect(app101.errorFields["name"] != nil)
            let app100 = try await app.admin(.post, "/apps", json: ["name": modified + String(repeating: "*", count: 98)])
            #expect(app100.status == .created)
            // Leading spaces count: the limit is on what the client sent, which is what its validator checks.
            let padded = try await app.admin(.post, "/companies", json: ["name": "  " + String(repeating: "b", count: 199)])
            #expect(padded.status == .unprocessableContent)
            #expect(try await app.admin(.post, "/companies", json: ["name": " " + String(repeating: "b", count: 199)]).status == .created)
        }
    }

    @Test func anUnknownRouteAnswersAJSON404() async throws {
        try await TestApp.run(.sqlite) { app in
            let result = try await app.request(.get, "/no/such/thing")
            #expect(result.status == .notFound)
            #expect(result.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(result.errorCode == "not_found")
            #expect(result.header("X-Request-Id") != nil)
        }
    }

    @Test func everyAdminAnswerIsNoStore() async throws {
        try await TestApp.run(.sqlite) { app in
            #expect(try await app.admin(.get, "/companies").header("Cache-Control") == "no-store")
            #expect(try await app.admin(.get, "/companies/999").header("Cache-Control") == "no-store")
            let refused = try await app.request(.get, "/admin/v1/companies")
            #expect(refused.header("Cache-Control") == "no-store", "the 401 too")
        }
    }
}

extension HardeningTests {
    @Test(arguments: StoreKind.enabled)
    func aCompanyAdminAddsPeopleByEmailOnlyAndNeverLearnsTheOtherTenant(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, _) = try await app.consoleTenant()
            let other = try await app.createCompany("Hidden Tenant Ltd")
            let outsider = try await app.createUser(company: other, email: "outsider@example.com")
            let foreign = try await app.createServiceAccount(company: other)
            let admin = try await app.signIn("admin@example.com")
            func post(_ json: [String: Any]) async throws -> HTTPResult {
                var headers = admin.headers
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("X-CSRF-Token")!] = admin.csrf
                return try await app.request(.post, "/admin/v1/companies/\(company)/directory", headers: headers,
                                             body: String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
            }
            #expect(try await post(["person_id": outsider]).status == .forbidden, "ids are for operators")
            #expect(try await post(["email": "outsider@example.com"]).status == .created)
            let refused = try await post(["email": foreign.contactEmail])
            #expect(refused.status == .conflict)
            #expect(!refused.text.contains("Hidden Tenant") && !refused.text.contains("\(other)"))
            #expect(try await app.admin(.post, "/companies/\(company)/directory", json: ["person_id": outsider]).status == .conflict,
                    "operators may still add by id (already there: 409)")
        }
    }
}

extension HardeningTests {
    /// Tokens name the secret that minted them (`sid`): retiring it, or its expiry after a rotation, ends them.
    @Test(arguments: StoreKind.enabled)
    func retiringASecretEndsTheTokensItMinted(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, oldToken) = try await app.tenant()
            let base = "/companies/\(company)/service_accounts/\(account.id)"
            let rotated = try await app.admin(.post, base + "/rotate_secret", json: ["previous_expires_in": 3600])
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            let newToken = try await app.accessToken(clientID: account.clientID, secret: newSecret)
            let expiringToken = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldToken, company: company).status == .ok)

            app.clock.advance(by: 3601)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: expiringToken, company: company).status == .unauthorized,
                    "the old secret expired, and with it the tokens it minted")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: newToken, company: company).status == .ok)

            let again = try await app.admin(.post, base + "/rotate_secret", json: ["previous_expires_in": 3600])
            let newest = try #require(again.json["client_secret"] as? String)
            let secrets = try await app.admin(.get, base + "/secrets").jsonArray
            let middle = try #require(secrets.compactMap { $0["id"] as? Int }.min())
            #expect(try await app.admin(.delete, base + "/secrets/\(middle)").status == .noContent)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: newToken, company: company).status == .unauthorized, "retired: its tokens fail at once")
            let latest = try await app.accessToken(clientID: account.clientID, secret: newest)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: latest, company: company).status == .ok)
        }
    }
}

extension HardeningTests {
    @Test(arguments: StoreKind.enabled)
    func aRetiredKeyLeavesTheJWKSAndItsTokensFailAtOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, oldToken) = try await app.tenant()
            let oldKID = try CredentialLifecycleTests.kid(oldToken)
            #expect(try await app.admin(.post, "/keys/\(oldKID)/retire").status == .conflict, "the only signing key cannot be retired")
            #expect(try await app.admin(.delete, "/keys/\(oldKID)").status == .conflict, "a live key cannot be deleted")
            app.clock.advance(by: 1)   // the new key activates after the old one, so it is the one that signs
            _ = try await app.admin(.post, "/keys/rotate", json: ["activate_in": 0])
            let newToken = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try CredentialLifecycleTests.kid(newToken) != oldKID)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldToken, company: company).status == .ok, "warm the signature cache")

            #expect(try await app.admin(.post, "/keys/\(oldKID)/retire").status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldToken, company: company).status == .unauthorized)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: newToken, company: company).status == .ok)
            let jwks = try await app.request(.get, "/.well-known/jwks.json").json["keys"] as? [[String: Any]] ?? []
            #expect(!jwks.contains { $0["kid"] as? String == oldKID })
            #expect(try await app.admin(.delete, "/keys/\(oldKID)").status == .noContent)
        }
    }

    /// A token without `kid` is refused before anything else is looked at.
    @Test func tokensMustNameTheirKey() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, token) = try await app.tenant()
            let parts = token.split(separator: ".").map(String.init)
            var header = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: parts[0])!) as! [String: Any]
            header.removeValue(forKey: "kid")
            let noKID = [Data(try JSONSerialization.data(withJSONObject: header)).base64URLEncodedString(), parts[1], parts[2]].joined(separator: ".")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: noKID, company: company).status == .unauthorized)
        }
    }
}

@Suite("The master key")
struct MasterKeyTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-mk-\(UUID().uuidString)").path
    }

    @Test func aNewKeyFileIsCreatedWithMode0600AndReusedAfter() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try MasterKey.load(environment: nil, dataDirectory: dir)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/master.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try MasterKey.load(environment: nil, dataDirectory: dir).encoded == first.encoded)
    }

    @Test func aKeyFileOthersCanReadStopsStartUp() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try MasterKey.load(environment: nil, dataDirectory: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/master.key")
        #expect { try MasterKey.load(environment: nil, dataDirectory: dir) } throws: { ($0 as? ConfigurationError)?.description.contains("chmod 600") == true }
    }

    @Test func aReadErrorOtherThanMissingStopsStartUpWithoutTouchingTheFile() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A directory where the file should be: stat works, reading fails.
        try FileManager.default.createDirectory(atPath: dir + "/master.key", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(throws: ConfigurationError.self) { try MasterKey.load(environment: nil, dataDirectory: dir) }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir + "/master.key", isDirectory: &isDirectory) && isDirectory.boolValue, "left as it was")
    }

    @Test func aWeakKeyIsRefused() {
        #expect(MasterKey(encoded: String(repeating: "A", count: 44)) == nil, "32 zero bytes")
        #expect(MasterKey(encoded: "correcthorsebatterystaplecorrecthorsebatterystaple") == nil, "a passphrase")
        #expect(MasterKey(encoded: "c2hvcnQ=") == nil, "too short")
        #expect(MasterKey(encoded: MasterKey.generate().encoded) != nil)
    }
}

/// Brute-force limits, counted per address and per (credential, address), behind trusted proxies only.
@Suite("Failed authentication limits")
struct FailureLimitTests {
    static func from(_ address: String) -> HTTPFields { [HTTPField.Name("X-Forwarded-For")!: address, .contentType: "application/x-www-form-urlencoded"] }

    func token(_ app: TestApp, _ account: TestApp.Account, secret: String, from address: String) async throws -> HTTPResult {
        try await app.request(.post, "/oauth/token", headers: Self.from(address),
                              body: "grant_type=client_credentials&client_id=\(account.clientID)&client_secret=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
    }

    @Test(arguments: StoreKind.enabled)
    func anAttackerSlowsOnlyThemselves(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, live: true, configure: { $0.trustedProxies = [AddressRange("127.0.0.1/32")!] }) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            for _ in 0..<5 {
                #expect(try await token(app, account, secret: "wrong-secret", from: "203.0.113.5").status == .unauthorized)
            }
            let blocked = try await token(app, account, secret: account.secret, from: "203.0.113.5")
            #expect(blocked.status == .tooManyRequests, "even the right secret waits at the attacker's address")
            #expect(blocked.header("Retry-After") == "2")
            #expect(blocked.json["error"] as? String == "slow_down")
            let rowsBefore = try await app.runtime.store.auditEntries(AuditFilter(action: "token.issue"), limit: 1, offset: 0).total
            for _ in 0..<10 { _ = try await token(app, account, secret: "wrong-secret", from: "203.0.113.5") }
            #expect(try await app.runtime.store.auditEntries(AuditFilter(action: "token.issue"), limit: 1, offset: 0).total == rowsBefore,
                    "throttled guesses are counted in metrics, not written to the audit")
            #expect(try await token(app, account, secret: account.secret, from: "198.51.100.7").status == .ok, "the real client elsewhere is untouched")

            app.clock.advance(by: 3)
            #expect(try await token(app, account, secret: account.secret, from: "203.0.113.5").status == .ok, "the wait ends")
            _ = try await token(app, account, secret: "wrong-again", from: "203.0.113.5")
            #expect(try await token(app, account, secret: account.secret, from: "203.0.113.5").header("Retry-After") == "4", "and doubles on the next failure")

            let audit = try await app.admin(.get, "/audit?action=token.issue").jsonArray
            #expect(audit.contains { $0["remote_address"] as? String == "198.51.100.7" }, "the audit records the address behind the proxy")
        }
    }

    @Test func xForwardedForIsIgnoredFromAnUntrustedPeer() async throws {
        try await TestApp.run(.sqlite, live: true) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            for _ in 0..<5 { _ = try await token(app, account, secret: "wrong", from: "203.0.113.5") }
            #expect(try await token(app, account, secret: account.secret, from: "198.51.100.7").status == .tooManyRequests,
                    "a spoofed header does not change the address")
        }
    }

    @Test func signInAndTheOperatorTokenAreLimitedToo() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, _, _) = try await app.consoleTenant()
            for _ in 0..<5 { _ = try? await app.signIn("admin@example.com", password: "not-the-password") }
            let form = try await app.request(.get, "/login")
            let csrf = String((form.headers[values: .setCookie].first { $0.hasPrefix("gh_csrf=") } ?? "").dropFirst("gh_csrf=".count).prefix { $0 != ";" })
            let blocked = try await app.request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gh_csrf=\(csrf)"],
                                                body: "email=admin%40example.com&password=hunter2hunter2&csrf_token=\(csrf)")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("Too many failed sign-ins"))

            for _ in 0..<5 {
                #expect(try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer guessed-token-\(UUID().uuidString)"]).status == .unauthorized)
            }
            let slowed = try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer \(TestApp.adminToken)"])
            #expect(slowed.status == .tooManyRequests)
            #expect(slowed.header("Retry-After") != nil)
        }
    }
}
