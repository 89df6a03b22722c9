import Foundation
import GatehouseCore
import HTTPTypes
import Testing

@Suite("Developer managed service accounts")
struct DMSATests {
    static var manifest: [String: Any] { [
        "schema_version": "4.1",
        "components": ["data_connector": ["service_account": true]],
        "permissions": ["company": ["directory": "readonly"], "project": ["rfi": "standard", "directory": "readonly"]],
    ] }

    struct Fixture {
        let appID: Int
        let clientID: String
        let secret: String
        let versionKey: String
    }

    /// An app with version 1.0.0, promoted unless asked otherwise (only promoted versions install).
    func makeApp(_ app: TestApp, name: String = "Field Sync", manifest: [String: Any] = manifest, promote: Bool = true) async throws -> Fixture {
        let created = try await app.admin(.post, "/apps", json: ["name": name])
        #expect(created.status == .created)
        let appID = try #require(created.json["id"] as? Int)
        let version = try await app.admin(.post, "/apps/\(appID)/versions", json: ["version": "1.0.0", "manifest": manifest])
        #expect(version.status == .created, "\(version.text)")
        #expect(version.json["status"] as? String == "ready_for_testing")
        if promote {
            let promoted = try await app.admin(.post, "/apps/\(appID)/versions/\(version.json["id"] as! Int)/promote")
            #expect(promoted.json["status"] as? String == "promoted")
        }
        return Fixture(appID: appID, clientID: created.json["client_id"] as! String, secret: created.json["client_secret"] as! String,
                       versionKey: try #require(version.json["version_key"] as? String))
    }

    func install(_ app: TestApp, company: Int64, key: String) async throws -> (id: Int, contact: Int64) {
        let result = try await app.admin(.post, "/companies/\(company)/installations", json: ["version_key": key])
        #expect(result.status == .created, "\(result.text)")
        let contact = try #require((result.json["contact"] as? [String: Any])?["id"] as? Int)
        return (try #require(result.json["id"] as? Int), Int64(contact))
    }

    @Test(arguments: StoreKind.enabled)
    func oneTokenWorksInEveryInstalledCompanyAndOnlyInPermittedProjects(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A"), b = try await app.createCompany("B"), never = try await app.createCompany("Never")
            let inA = try await install(app, company: a, key: fixture.versionKey)
            let inB = try await install(app, company: b, key: fixture.versionKey)
            let permitted = try await app.createProject(company: a, name: "Permitted")
            let other = try await app.createProject(company: a, name: "Other")
            let put = try await app.admin(.put, "/companies/\(a)/installations/\(inA.id)/permitted_projects", json: ["project_ids": [permitted]])
            #expect(put.status == .ok)

            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            let meA = try await app.rest(.get, "/rest/v1.0/me", token: token, company: a)
            let meB = try await app.rest(.get, "/rest/v1.0/me", token: token, company: b)
            #expect(meA.json["id"] as? Int == Int(inA.contact))
            #expect(meB.json["id"] as? Int == Int(inB.contact))
            #expect((meA.json["login"] as? String)?.hasPrefix("svc-field-sync-") == true)

            let companies = try await app.rest(.get, "/rest/v1.0/companies", token: token, company: a)
            #expect(Set(companies.jsonArray.compactMap { $0["id"] as? Int }) == [Int(a), Int(b)])

            // Company permissions come from the manifest: directory readonly, portfolio none.
            #expect(try await app.rest(.get, "/rest/v1.3/companies/\(a)/users", token: token, company: a).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(a)/projects", token: token, company: a).status == .forbidden)
            // Project access only in permitted projects, with the manifest's project levels.
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(permitted)", token: token, company: a).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(other)", token: token, company: a).status == .forbidden)
            let rfi = try await app.rest(.post, "/rest/v1.0/projects/\(permitted)/rfis", token: token, company: a,
                                         json: ["rfi": ["subject": "From the app", "question": ["body": "?"]]])
            #expect(rfi.status == .created)
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(permitted)/rfis/\(rfi.json["id"] as? Int ?? 0)", token: token, company: a).status == .forbidden)

            let nowhere = try await app.rest(.get, "/rest/v1.0/me", token: token, company: never)
            #expect(nowhere.status == .forbidden)
            #expect((nowhere.json["error"] as? [String: Any])?["message"] as? String == "App is not connected to this company")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func afterAnUninstallInAAnswers403WhileBStillWorks(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            let inA = try await install(app, company: a, key: fixture.versionKey)
            _ = try await install(app, company: b, key: fixture.versionKey)
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.admin(.delete, "/companies/\(a)/installations/\(inA.id)").status == .noContent)
            let refused = try await app.rest(.get, "/rest/v1.0/me", token: token, company: a)
            #expect(refused.status == .forbidden)
            #expect((refused.json["error"] as? [String: Any])?["message"] as? String == "App is not connected to this company")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: b).status == .ok)
            let companies = try await app.rest(.get, "/rest/v1.0/companies", token: token, company: b)
            #expect(companies.jsonArray.compactMap { $0["id"] as? Int } == [Int(b)])
            let listed = try await app.admin(.get, "/companies/\(a)/installations").jsonArray
            #expect(listed.first?["status"] as? String == "uninstalled")
            let contact = try await app.admin(.get, "/companies/\(a)/directory").jsonArray.first { $0["id"] as? Int == Int(inA.contact) }
            #expect(contact?["is_active"] as? Bool == false, "the contact is kept, but deactivated")
            // Reinstalling later is allowed and creates a fresh contact.
            _ = try await install(app, company: a, key: fixture.versionKey)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func resettingTheAppSecretKillsOldTokensEverywhere(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            _ = try await install(app, company: a, key: fixture.versionKey)
            _ = try await install(app, company: b, key: fixture.versionKey)
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            let reset = try await app.admin(.post, "/apps/\(fixture.appID)/reset_secret")
            let newSecret = try #require(reset.json["client_secret"] as? String)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: a).status == .unauthorized)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: b).status == .unauthorized)
            #expect(try await app.token(clientID: fixture.clientID, secret: fixture.secret).status == .unauthorized)
            let fresh = try await app.accessToken(clientID: fixture.clientID, secret: newSecret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: fresh, company: a).status == .ok)
        }
    }

    @Test func installingTwiceIs409AndAnUnknownKeyIs404() async throws {
        try await TestApp.run(.sqlite) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A")
            _ = try await install(app, company: a, key: fixture.versionKey)
            #expect(try await app.admin(.post, "/companies/\(a)/installations", json: ["version_key": fixture.versionKey]).status == .conflict)
            #expect(try await app.admin(.post, "/companies/\(a)/installations", json: ["version_key": "nope"]).status == .notFound)
            let unpromoted = try await makeApp(app, name: "Still Testing", promote: false)
            let refused = try await app.admin(.post, "/companies/\(a)/installations", json: ["version_key": unpromoted.versionKey])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields["version_key"] == "names a version that is not promoted yet")
        }
    }

    @Test func permittedProjectsOfAnotherCompanyAre422() async throws {
        try await TestApp.run(.sqlite) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            let inA = try await install(app, company: a, key: fixture.versionKey)
            let foreign = try await app.createProject(company: b)
            let result = try await app.admin(.put, "/companies/\(a)/installations/\(inA.id)/permitted_projects", json: ["project_ids": [foreign]])
            #expect(result.status == .unprocessableContent)
            #expect(result.errorFields["project_ids"] != nil)
        }
    }

    @Test func upgradeAppliesTheNewManifest() async throws {
        try await TestApp.run(.sqlite) { app in
            let fixture = try await makeApp(app)
            let a = try await app.createCompany("A")
            let inA = try await install(app, company: a, key: fixture.versionKey)
            let project = try await app.createProject(company: a)
            _ = try await app.admin(.put, "/companies/\(a)/installations/\(inA.id)/permitted_projects", json: ["project_ids": [project]])
            var v2 = Self.manifest
            v2["permissions"] = ["company": ["portfolio": "readonly"], "project": ["rfi": "admin"]]
            let version = try await app.admin(.post, "/apps/\(fixture.appID)/versions", json: ["version": "1.1.0", "manifest": v2])
            let key = try #require(version.json["version_key"] as? String)
            _ = try await app.admin(.post, "/apps/\(fixture.appID)/versions/\(version.json["id"] as! Int)/promote")
            let upgraded = try await app.admin(.post, "/companies/\(a)/installations/\(inA.id)/upgrade", json: ["version_key": key])
            #expect(upgraded.status == .ok)
            #expect(upgraded.json["version"] as? String == "1.1.0")
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(a)/projects", token: token, company: a).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.3/companies/\(a)/users", token: token, company: a).status == .forbidden, "directory was dropped by v1.1.0")
            let settings = try await app.rest(.get, "/rest/v1.0/settings/permissions?project_id=\(project)", token: token, company: a)
            let rfi = (settings.json["tools"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "rfi" }
            #expect((rfi?["user_access_level"] as? [String: Any])?["key"] as? String == "admin")
            let downgrade = try await app.admin(.post, "/companies/\(a)/installations/\(inA.id)/upgrade", json: ["version_key": fixture.versionKey])
            #expect(downgrade.status == .unprocessableContent)
        }
    }

    struct ManifestCase: Sendable, CustomTestStringConvertible {
        let name: String
        let version: String
        let mutate: @Sendable ([String: Any]) -> [String: Any]
        let field: String
        var testDescription: String { name }
    }

    static let manifestCases: [ManifestCase] = [
        ManifestCase(name: "bad semver", version: "1.0", mutate: { $0 }, field: "version"),
        ManifestCase(name: "leading zero", version: "01.0.0", mutate: { $0 }, field: "version"),
        ManifestCase(name: "missing schema", version: "1.0.0", mutate: { var m = $0; m["schema_version"] = nil; return m }, field: "manifest.schema_version"),
        ManifestCase(name: "unknown schema", version: "1.0.0", mutate: { var m = $0; m["schema_version"] = "9.9"; return m }, field: "manifest.schema_version"),
        ManifestCase(name: "not a service account", version: "1.0.0", mutate: { var m = $0; m["components"] = ["data_connector": ["service_account": false]]; return m }, field: "manifest.components.data_connector.service_account"),
        ManifestCase(name: "service_account not a boolean", version: "1.0.0", mutate: { var m = $0; m["components"] = ["data_connector": ["service_account": 1]]; return m }, field: "manifest.components.data_connector.service_account"),
        ManifestCase(name: "no data connector", version: "1.0.0", mutate: { var m = $0; m["components"] = [String: Any](); return m }, field: "manifest.components.data_connector"),
        ManifestCase(name: "unknown tool", version: "1.0.0", mutate: { var m = $0; m["permissions"] = ["company": ["teleport": "admin"]]; return m }, field: "manifest.permissions.company.teleport"),
        ManifestCase(name: "unknown level", version: "1.0.0", mutate: { var m = $0; m["permissions"] = ["project": ["rfi": "super"]]; return m }, field: "manifest.permissions.project.rfi"),
        ManifestCase(name: "level the tool does not allow", version: "1.0.0", mutate: { var m = $0; m["permissions"] = ["company": ["admin": "standard"]]; return m }, field: "manifest.permissions.company.admin"),
        ManifestCase(name: "tool out of scope", version: "1.0.0", mutate: { var m = $0; m["permissions"] = ["company": ["rfi": "readonly"]]; return m }, field: "manifest.permissions.company.rfi"),
        ManifestCase(name: "unknown scope", version: "1.0.0", mutate: { var m = $0; m["permissions"] = ["galaxy": [String: Any]()]; return m }, field: "manifest.permissions.galaxy"),
    ]

    @Test(arguments: manifestCases)
    func everyManifestErrorIs422NamingItsField(_ c: ManifestCase) async throws {
        try await TestApp.run(.sqlite) { app in
            let created = try await app.admin(.post, "/apps", json: ["name": "Checker"])
            let appID = try #require(created.json["id"] as? Int)
            let result = try await app.admin(.post, "/apps/\(appID)/versions", json: ["version": c.version, "manifest": c.mutate(Self.manifest)])
            #expect(result.status == .unprocessableContent)
            #expect(result.errorFields[c.field] != nil, "fields: \(result.errorFields)")
        }
    }

    @Test func appSecretIsShownOnce() async throws {
        try await TestApp.run(.sqlite) { app in
            let fixture = try await makeApp(app)
            let shown = try await app.admin(.get, "/apps/\(fixture.appID)")
            #expect(shown.json["client_secret"] is NSNull, "the key is sent, as null: the secret is shown only once")
            #expect(!(try await app.admin(.get, "/apps").text.contains(fixture.secret)))
        }
    }
}
