import Crypto
import Foundation
import GatehouseCore
import HTTPTypes
import JWTKit
import Testing

/// Developer managed service accounts get every credential feature, and installs that keep their state.
@Suite("DMSA credentials and installs")
struct AppCredentialsTests {
    let dmsa = DMSATests()

    @Test(arguments: StoreKind.enabled)
    func appRotationKeepsBothSecretsUntilTheOldOneExpires(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await dmsa.makeApp(app)
            let rotated = try await app.admin(.post, "/apps/\(fixture.appID)/rotate_secret", json: ["previous_expires_in": 3600])
            #expect(rotated.status == .ok)
            #expect(rotated.header("Cache-Control") == "no-store")
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            #expect((rotated.json["secrets"] as? [Any])?.count == 2)
            #expect(try await app.token(clientID: fixture.clientID, secret: fixture.secret).status == .ok)
            #expect(try await app.token(clientID: fixture.clientID, secret: newSecret).status == .ok)
            #expect(try await app.admin(.get, "/apps/\(fixture.appID)/secrets").jsonArray.count == 2)

            app.clock.advance(by: 3601)
            #expect(try await app.token(clientID: fixture.clientID, secret: fixture.secret).status == .unauthorized, "the old secret died at its expiry")
            #expect(try await app.token(clientID: fixture.clientID, secret: newSecret).status == .ok)
            #expect(try await app.admin(.get, "/apps/\(fixture.appID)/secrets").jsonArray.count == 1)

            let tooLong = try await app.admin(.post, "/apps/\(fixture.appID)/rotate_secret", json: ["previous_expires_in": 40 * 86_400])
            #expect(tooLong.status == .unprocessableContent)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anAppsPrivateKeyJWTGetsATokenThatWorksInEveryInstalledCompany(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await dmsa.makeApp(app)
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            _ = try await dmsa.install(app, company: a, key: fixture.versionKey)
            _ = try await dmsa.install(app, company: b, key: fixture.versionKey)
            let key = P256.Signing.PrivateKey()
            let point = key.publicKey.x963Representation
            let jwk: [String: Any] = ["kty": "EC", "crv": "P-256", "kid": "app-key", "alg": "ES256",
                                      "x": Data(point[1...32]).base64URLEncodedString(), "y": Data(point[33...64]).base64URLEncodedString()]
            #expect(try await app.admin(.put, "/apps/\(fixture.appID)/jwks", json: ["keys": [jwk]]).status == .ok)
            var withPrivate = jwk
            withPrivate["d"] = key.rawRepresentation.base64URLEncodedString()
            #expect(try await app.admin(.put, "/apps/\(fixture.appID)/jwks", json: ["keys": [withPrivate]]).status == .unprocessableContent)

            let signer = JWTKeyCollection()
            await signer.add(ecdsa: try ES256PrivateKey(backing: key), kid: "app-key")
            let now = Int(app.clock.now.timeIntervalSince1970)
            let assertion = try await signer.sign(CredentialLifecycleTests.Assertion(
                iss: fixture.clientID, sub: fixture.clientID, aud: "http://gatehouse.test/oauth/token", exp: now + 60, jti: UUID().uuidString
            ), kid: "app-key")
            let issued = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"],
                                               body: "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(assertion)")
            #expect(issued.status == .ok)
            let token = try #require(issued.json["access_token"] as? String)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: a).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: b).status == .ok)
        }
    }

    func newVersion(_ app: TestApp, _ fixture: DMSATests.Fixture, _ version: String, project: [String: String]) async throws -> String {
        var manifest = DMSATests.manifest
        manifest["permissions"] = ["company": ["directory": "readonly"], "project": project]
        let created = try await app.admin(.post, "/apps/\(fixture.appID)/versions", json: ["version": version, "manifest": manifest])
        #expect(created.status == .created)
        _ = try await app.admin(.post, "/apps/\(fixture.appID)/versions/\(created.json["id"] as! Int)/promote")
        return created.json["version_key"] as! String
    }

    @Test(arguments: StoreKind.enabled)
    func anUpgradeKeepsPermittedProjectsWithTheNewLevelsAndShowsWhenOneIsAvailable(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await dmsa.makeApp(app)
            let company = try await app.createCompany()
            let installed = try await dmsa.install(app, company: company, key: fixture.versionKey)
            let project = try await app.createProject(company: company)
            _ = try await app.admin(.put, "/companies/\(company)/installations/\(installed.id)/permitted_projects", json: ["project_ids": [project]])
            #expect(try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)").json["update_available"] as? Bool == false)

            let key = try await newVersion(app, fixture, "1.1.0", project: ["rfi": "admin"])
            let shown = try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)")
            #expect(shown.json["update_available"] as? Bool == true)
            #expect(shown.json["latest_version"] as? String == "1.1.0")
            #expect(try await app.admin(.post, "/companies/\(company)/installations/\(installed.id)/upgrade", json: ["version_key": key]).status == .ok)
            let permitted = try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)/permitted_projects")
            #expect(permitted.json["project_ids"] as? [Int] == [Int(project)])

            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            let rfi = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: ["rfi": ["subject": "s", "question": ["body": "b"]]])
            #expect(rfi.status == .created)
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(project)/rfis/\(rfi.json["id"] as! Int)", token: token, company: company).status == .noContent,
                    "the new manifest's admin level applies to the kept project")

            let none = try await newVersion(app, fixture, "2.0.0", project: [:])
            _ = try await app.admin(.post, "/companies/\(company)/installations/\(installed.id)/upgrade", json: ["version_key": none])
            let after = try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)/permitted_projects")
            #expect(after.json["project_ids"] as? [Int] == [], "a version that requests no project permissions keeps no projects")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aReinstallInsideTheRetentionWindowRestoresTheContactAndItsProjects(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.reinstallRetention = 86_400 }) { app in
            let fixture = try await dmsa.makeApp(app)
            let company = try await app.createCompany()
            let first = try await dmsa.install(app, company: company, key: fixture.versionKey)
            let project = try await app.createProject(company: company)
            _ = try await app.admin(.put, "/companies/\(company)/installations/\(first.id)/permitted_projects", json: ["project_ids": [project]])
            #expect(try await app.admin(.delete, "/companies/\(company)/installations/\(first.id)").status == .noContent)

            app.clock.advance(by: 3600)
            let again = try await dmsa.install(app, company: company, key: fixture.versionKey)
            #expect(again.contact == first.contact, "the same contact comes back")
            #expect(again.id == first.id)
            let permitted = try await app.admin(.get, "/companies/\(company)/installations/\(again.id)/permitted_projects")
            #expect(permitted.json["project_ids"] as? [Int] == [Int(project)])
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company).status == .ok)

            // Past the window, a reinstall starts afresh: a new contact on no project.
            #expect(try await app.admin(.delete, "/companies/\(company)/installations/\(again.id)").status == .noContent)
            app.clock.advance(by: 86_401)
            let fresh = try await dmsa.install(app, company: company, key: fixture.versionKey)
            #expect(fresh.contact != first.contact)
            let none = try await app.admin(.get, "/companies/\(company)/installations/\(fresh.id)/permitted_projects")
            #expect(none.json["project_ids"] as? [Int] == [])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func addToNewProjectsPermitsAProjectCreatedAfterTheInstall(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await dmsa.makeApp(app)
            let company = try await app.createCompany()
            let installed = try await dmsa.install(app, company: company, key: fixture.versionKey)
            let before = try await app.createProject(company: company, name: "Before")
            let flagged = try await app.admin(.patch, "/companies/\(company)/installations/\(installed.id)", json: ["add_to_new_projects": true])
            #expect(flagged.status == .ok)
            #expect(flagged.json["add_to_new_projects"] as? Bool == true)
            let later = try await app.createProject(company: company, name: "Later")
            let permitted = try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)/permitted_projects")
            #expect(permitted.json["project_ids"] as? [Int] == [Int(later)], "only the project created after the flag")
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(later)/rfis", token: token, company: company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(before)/rfis", token: token, company: company).status == .forbidden)
            #expect(try await app.admin(.patch, "/companies/\(company)/installations/\(installed.id)", json: [:]).status == .unprocessableContent)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func migrateRefusesAnUnpromotedDMSAVersion(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.sunsetPolicy = try! SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 0), creationBlockedAt: Date(timeIntervalSince1970: 4_000_000_000), sunsetAt: Date(timeIntervalSince1970: 4_000_000_001)) }) { app in
            let fixture = try await dmsa.makeApp(app, promote: false)   // its 1.0.0 is ready for testing, not promoted
            let company = try await app.createCompany()
            let account = try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "Legacy", "app_type": "marketplace", "app_id": fixture.appID])
            let refused = try await app.admin(.post, "/companies/\(company)/service_accounts/\(account.json["id"] as! Int)/migrate")
            #expect(refused.status == .unprocessableContent)
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("promoted"))
        }
    }

    @Test func aSignedInDeveloperReachesOnlyTheirOwnAndSharedApps() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "dev@example.com")
            _ = try await app.createUser(company: company, email: "friend@example.com")
            _ = try await app.createUser(company: company, email: "stranger@example.com")
            let dev = try await app.signIn("dev@example.com")
            func call(_ user: ConsoleUser, _ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]? = nil) async throws -> HTTPResult {
                var headers = user.headers
                headers[HTTPField.Name("X-CSRF-Token")!] = user.csrf
                if json != nil { headers[.contentType] = "application/json" }
                return try await app.request(method, "/admin/v1" + path, headers: headers,
                                             body: json.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) })
            }
            let created = try await call(dev, .post, "/apps", ["name": "Dev Tool"])
            #expect(created.status == .created)
            let appID = try #require(created.json["id"] as? Int)
            let operatorApp = try await app.admin(.post, "/apps", json: ["name": "Operator Tool"])
            #expect(try await call(dev, .get, "/apps").jsonArray.compactMap { $0["name"] as? String } == ["Dev Tool"])
            #expect(try await call(dev, .get, "/apps/\(operatorApp.json["id"] as! Int)").status == .notFound)

            let stranger = try await app.signIn("stranger@example.com")
            #expect(try await call(stranger, .get, "/apps/\(appID)").status == .notFound)
            #expect(try await call(stranger, .post, "/apps/\(appID)/rotate_secret").status == .notFound)

            #expect(try await call(dev, .post, "/apps/\(appID)/collaborators", ["email": "friend@example.com"]).status == .created)
            let friend = try await app.signIn("friend@example.com")
            #expect(try await call(friend, .get, "/apps/\(appID)").status == .notFound, "an invitee sees the app only after accepting")
            #expect(try await app.submit(friend, "/developer/invitations/\(appID)/accept", [:]).status == .seeOther)
            #expect(try await call(friend, .get, "/apps/\(appID)").status == .ok)
            #expect(try await call(friend, .post, "/apps/\(appID)/collaborators", ["email": "stranger@example.com"]).status == .forbidden,
                    "only the owner adds collaborators")
            #expect(try await app.admin(.get, "/apps/\(appID)").status == .ok, "operators reach every app")
        }
    }

    /// The unique index, not a read-then-insert, decides: of 20 concurrent installs exactly one wins.
    @Test(.enabled(if: StoreKind.enabled.contains(.postgres)))
    func twentyConcurrentInstallsLeaveExactlyOne() async throws {
        try await TestApp.run(.postgres) { app in
            let fixture = try await dmsa.makeApp(app)
            let company = try await app.createCompany()
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await app.admin(.post, "/companies/\(company)/installations", json: ["version_key": fixture.versionKey]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 19, "\(statuses)")
            #expect(try await app.admin(.get, "/companies/\(company)/installations").jsonArray.count == 1)
        }
    }
}
