import Foundation
import GatehouseCore
import HTTPTypes
import Testing

@Suite("Sunset of traditional service accounts")
struct SunsetTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let policy = try! SunsetPolicy(
        deprecatedAt: t0.addingTimeInterval(100), creationBlockedAt: t0.addingTimeInterval(200), sunsetAt: t0.addingTimeInterval(300)
    )

    static func run<T: Sendable>(_ kind: StoreKind = .sqlite, _ body: @Sendable (TestApp) async throws -> T) async throws -> T {
        try await TestApp.run(kind, clock: ManualClock(t0), configure: { $0.sunsetPolicy = policy }, body)
    }

    @Test(arguments: StoreKind.enabled)
    func headersAppearExactlyFromTheDeprecatedPhaseOn(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let phase = try await app.admin(.get, "/policy")
            #expect(phase.json["phase"] as? String == "active")
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).header("Deprecation") == nil)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).header("Deprecation") == nil)

            app.clock.advance(by: 100)
            #expect(try await app.admin(.get, "/policy").json["phase"] as? String == "deprecated")
            let issued = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(issued.status == .ok)
            #expect(issued.header("Deprecation") == "@\(Int(Self.policy.deprecatedAt.timeIntervalSince1970))")
            #expect(issued.header("Sunset") == "Tue, 14 Nov 2023 22:18:20 GMT")
            #expect(issued.header("Link") == "<http://gatehouse.test/docs/migration>; rel=\"deprecation\"; type=\"text/html\"")
            let me = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            #expect(me.status == .ok)
            #expect(me.header("Deprecation") != nil && me.header("Sunset") != nil)
            let forbidden = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.header("Sunset") != nil, "errors carry the headers too")

            app.clock.advance(by: 100)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).header("Deprecation") != nil)
        }
    }

    @Test func appTokensNeverCarryDeprecationHeaders() async throws {
        try await Self.run { app in
            app.clock.advance(by: 150)
            let created = try await app.admin(.post, "/apps", json: ["name": "Modern"])
            let result = try await app.token(clientID: created.json["client_id"] as! String, secret: created.json["client_secret"] as! String)
            #expect(result.status == .ok)
            #expect(result.header("Deprecation") == nil)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func creationIsRefusedFromTheBlockedPhaseOnAndNamesDMSA(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let company = try await app.createCompany()
            app.clock.advance(by: 199)
            #expect(try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "Last one"]).status == .created)
            app.clock.advance(by: 1)
            let refused = try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "Too late"])
            #expect(refused.status == .unprocessableContent)
            let message = (refused.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("DMSA") && message.contains("migrate"))
            #expect(try await app.admin(.get, "/policy").json["phase"] as? String == "creation_blocked")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func tokensStopAtTheSunsetInstantToTheSecond(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            app.clock.advance(by: 299)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok)
            app.clock.advance(by: 1)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized)
            let refused = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(refused.status == .badRequest)
            #expect(refused.json["error"] as? String == "unauthorized_client")
            #expect((refused.json["error_description"] as? String)?.contains("sunset") == true)
            #expect(try await app.admin(.get, "/policy").json["phase"] as? String == "sunset")
        }
    }

    /// A marketplace app with a DMSA version, a traditional account linked to it with a project and a level.
    func migrationFixture(_ app: TestApp) async throws -> (company: Int64, appID: Int, appClient: String, appSecret: String, account: TestApp.Account, project: Int64) {
        let company = try await app.createCompany()
        let created = try await app.admin(.post, "/apps", json: ["name": "Legacy Sync"])
        let appID = try #require(created.json["id"] as? Int)
        let manifest: [String: Any] = ["schema_version": "4.1", "components": ["data_connector": ["service_account": true]],
                                       "permissions": ["company": ["portfolio": "readonly"], "project": ["rfi": "standard"]]]
        let version = try await app.admin(.post, "/apps/\(appID)/versions", json: ["version": "2.0.0", "manifest": manifest])
        _ = try await app.admin(.post, "/apps/\(appID)/versions/\(version.json["id"] as! Int)/promote")
        let accountResult = try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "Legacy", "app_type": "marketplace", "app_id": appID])
        #expect(accountResult.status == .created)
        let account = TestApp.Account(
            id: Int64(accountResult.json["id"] as! Int), clientID: accountResult.json["client_id"] as! String, secret: accountResult.json["client_secret"] as! String,
            contactID: Int64((accountResult.json["contact"] as! [String: Any])["id"] as! Int), contactEmail: ""
        )
        let project = try await app.createProject(company: company)
        let template = try await app.createTemplate(company: company, ["rfi": "standard"])
        try await app.addMember(project: project, person: account.contactID, template: template)
        try await app.grant(company: company, person: account.contactID, ["directory": "readonly"])
        return (company, appID, created.json["client_id"] as! String, created.json["client_secret"] as! String, account, project)
    }

    @Test(arguments: StoreKind.enabled)
    func migrationReportAndMigrateEndToEnd(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let f = try await migrationFixture(app)
            let custom = try await app.createServiceAccount(company: f.company, name: "Homegrown")
            let report = try await app.admin(.get, "/companies/\(f.company)/migration")
            #expect(report.status == .ok)
            let rows = report.json["accounts"] as? [[String: Any]] ?? []
            let legacy = try #require(rows.first { ($0["service_account"] as? [String: Any])?["id"] as? Int == Int(f.account.id) })
            #expect((legacy["app"] as? [String: Any])?["id"] as? Int == f.appID)
            #expect(legacy["has_dmsa_version"] as? Bool == true)
            #expect(legacy["project_ids"] as? [Int] == [Int(f.project)])
            #expect((legacy["permissions"] as? [String: String]) == ["directory": "readonly"])
            #expect((legacy["recommended_action"] as? String)?.hasPrefix("migrate") == true)
            let homegrown = try #require(rows.first { ($0["service_account"] as? [String: Any])?["id"] as? Int == Int(custom.id) })
            #expect(homegrown["has_dmsa_version"] as? Bool == false)
            #expect(homegrown["app"] is NSNull)

            let migrated = try await app.admin(.post, "/companies/\(f.company)/service_accounts/\(f.account.id)/migrate")
            #expect(migrated.status == .created, "\(migrated.text)")
            #expect(migrated.json["status"] as? String == "installed")

            // The integration keeps working through the app's credentials, in the permitted project.
            let appToken = try await app.accessToken(clientID: f.appClient, secret: f.appSecret)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(f.project)/rfis", token: appToken, company: f.company).status == .ok)
            #expect(try await app.rest(.post, "/rest/v1.0/projects/\(f.project)/rfis", token: appToken, company: f.company,
                                       json: ["rfi": ["subject": "s", "question": ["body": "b"]]]).status == .created)
            // And the traditional account is disabled.
            #expect(try await app.token(clientID: f.account.clientID, secret: f.account.secret).status == .unauthorized)
            let after = try await app.admin(.get, "/companies/\(f.company)/service_accounts/\(f.account.id)")
            #expect(after.json["status"] as? String == "disabled")
        }
    }

    @Test func migrationErrorsAreClear() async throws {
        try await Self.run { app in
            let company = try await app.createCompany()
            let custom = try await app.createServiceAccount(company: company, name: "Homegrown")
            let refusedCustom = try await app.admin(.post, "/companies/\(company)/service_accounts/\(custom.id)/migrate")
            #expect(refusedCustom.status == .unprocessableContent)
            #expect(((refusedCustom.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("create a DMSA app"))

            let noVersions = try await app.admin(.post, "/apps", json: ["name": "Old Timer"])
            let appID = try #require(noVersions.json["id"] as? Int)
            let linked = try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "Old", "app_type": "marketplace", "app_id": appID])
            let refusedNoDMSA = try await app.admin(.post, "/companies/\(company)/service_accounts/\(linked.json["id"] as! Int)/migrate")
            #expect(refusedNoDMSA.status == .unprocessableContent)
            #expect(((refusedNoDMSA.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("no DMSA version"))
            #expect(refusedNoDMSA.errorFields["app_id"] != nil)

            let unknownApp = try await app.admin(.post, "/companies/\(company)/service_accounts", json: ["name": "X", "app_type": "marketplace", "app_id": 4242])
            #expect(unknownApp.status == .unprocessableContent)
        }
    }

    @Test func appsWithoutADMSAVersionAreDelistedAtTheSunset() async throws {
        try await Self.run { app in
            let f = try await migrationFixture(app)
            let old = try await app.admin(.post, "/apps", json: ["name": "Old Timer"])
            _ = try await app.admin(.post, "/companies/\(f.company)/service_accounts", json: ["name": "Old", "app_type": "marketplace", "app_id": old.json["id"] as! Int])
            func listed() async throws -> [String: Bool] {
                let entries = try await app.admin(.get, "/marketplace").jsonArray
                return Dictionary(uniqueKeysWithValues: entries.map { ($0["name"] as! String, $0["listed"] as! Bool) })
            }
            #expect(try await listed() == ["Legacy Sync": true, "Old Timer": true])
            app.clock.advance(by: 300)
            #expect(try await listed() == ["Legacy Sync": true, "Old Timer": false])
        }
    }

    @Test func theMigrationGuideIsServed() async throws {
        try await Self.run { app in
            let page = try await app.request(.get, "/docs/migration")
            #expect(page.status == .ok)
            #expect(page.text.contains("migrate"))
        }
    }
}
