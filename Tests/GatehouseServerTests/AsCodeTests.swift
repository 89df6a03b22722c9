import Foundation
import GatehouseCore
import Testing

/// Gatehouse as code (spec §6): `POST /admin/v1/apply` and `GET /admin/v1/export`, over HTTP, on every store.
@Suite("Gatehouse as code")
struct AsCodeTests {
    /// The spec's example document, in the order an export writes (sorted by name), so equality is exact.
    static func document(secret: String? = nil, accountTemplate: String = "Field Reader") -> [String: Any] {
        var account: [String: Any] = [
            "name": "Nightly Sync",
            "company_tools": ["directory": "readonly", "portfolio": "readonly"],
            "projects": [["project": "Tower A", "template": accountTemplate], ["project": "Tower B", "tools": ["rfi": "standard"]]],
        ]
        if let secret {
            account["client_id"] = "ci-nightly-sync"
            account["client_secret"] = secret
        }
        return [
            "version": 1,
            "companies": [[
                "name": "Riverside Builders",
                "projects": [["name": "Tower A"], ["name": "Tower B"]],
                "users": [["email": "dana@riverside.example", "first_name": "Dana", "last_name": "Admin", "company_tools": ["admin": "admin"]]],
                "permission_templates": [
                    ["name": "Field Reader", "tools": ["directory": "readonly", "rfi": "readonly"]],
                    ["name": "Field Writer", "tools": ["rfi": "standard"]],
                ],
                "service_accounts": [account],
            ]],
            "apps": [[
                "name": "Field Sync", "owner": "dana@riverside.example", "listed": true,
                "versions": [["version": "1.0.0", "promoted": true, "company_tools": ["directory": "readonly"], "project_tools": ["rfi": "standard"]]],
            ]],
            "installations": [["company": "Riverside Builders", "app": "Field Sync", "version": "1.0.0", "permitted_projects": ["Tower A"]]],
        ]
    }

    static func changes(_ result: HTTPResult) -> [[String: Any]] { result.json["changes"] as? [[String: Any]] ?? [] }

    static func read(_ result: HTTPResult) throws -> DeploymentDocument {
        try DeploymentDocument(reading: try JSONSerialization.jsonObject(with: Data(buffer: result.body)))
    }

    @Test(arguments: StoreKind.enabled)
    func applyThenExportGivesTheSameDocumentAndASecondApplyIsEmpty(_ kind: StoreKind) async throws {
        let exported = try await TestApp.run(kind) { app in
            let applied = try await app.admin(.post, "/apply", json: Self.document())
            #expect(applied.status == .ok, "\(applied.text)")
            let kinds = Set(Self.changes(applied).compactMap { $0["kind"] as? String })
            #expect(kinds == ["company", "project", "user", "permission_template", "service_account", "membership", "app", "app_version", "installation"])
            let credentials = applied.json["credentials"] as? [[String: Any]] ?? []
            #expect(credentials.map { $0["kind"] as? String } == ["service_account", "app"])
            // The created account's secret works, and its contact holds exactly the document's levels.
            let account = try #require(credentials.first)
            let token = try await app.accessToken(clientID: account["client_id"] as! String, secret: account["client_secret"] as! String)
            #expect(!token.isEmpty)

            let again = try await app.admin(.post, "/apply", json: Self.document())
            #expect(again.status == .ok)
            #expect(Self.changes(again).isEmpty, "a second apply changes nothing: \(again.text)")
            #expect((again.json["credentials"] as? [Any])?.isEmpty == true)

            let export = try await app.admin(.get, "/export")
            #expect(export.status == .ok)
            #expect(try Self.read(export) == (try DeploymentDocument(reading: Self.document())))
            #expect(!export.text.contains("client_secret"))
            // One company: the same here, since the deployment holds one; another company's data never appears.
            _ = try await app.createCompany("Elsewhere Co")
            let one = try await app.admin(.get, "/export?company=riverside%20builders")
            #expect(one.text == export.text, "the company by name (ignoring case), with the apps installed in it")
            #expect(try await app.admin(.get, "/export").text.contains("Elsewhere Co"))
            // Every change is audited under the applier.
            let audit = try await app.admin(.get, "/audit?actor=apply:operator&per_page=200").jsonArray
            #expect(audit.count >= 9)
            return export.text
        }
        // Applying the export to an empty server and exporting again gives the same bytes.
        try await TestApp.run(kind) { app in
            let applied = try await app.admin(.post, "/apply", raw: exported)
            #expect(applied.status == .ok, "\(applied.text)")
            #expect(try await app.admin(.get, "/export").text == exported)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aDryRunPlansAndChangesNothing(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let before = try await app.admin(.get, "/audit?per_page=1").header("Total")
            let plan = try await app.admin(.post, "/apply?dry_run=true", json: Self.document())
            #expect(plan.status == .ok, "\(plan.text)")
            #expect(plan.json["dry_run"] as? Bool == true)
            let changes = Self.changes(plan)
            #expect(changes.contains { $0["action"] as? String == "create" && $0["kind"] as? String == "service_account" && $0["name"] as? String == "Riverside Builders/Nightly Sync" })
            #expect(changes.contains { $0["kind"] as? String == "membership" && $0["name"] as? String == "Riverside Builders/Nightly Sync/Tower A" })
            #expect(plan.json["credentials"] == nil)
            #expect(try await app.admin(.get, "/companies").jsonArray.isEmpty)
            #expect(try await app.admin(.get, "/audit?per_page=1").header("Total") == before)

            // The real apply makes exactly the planned changes.
            let applied = try await app.admin(.post, "/apply", json: Self.document())
            #expect(Self.changes(applied).count == changes.count)
            // Drift: a dry run of a changed document names the one change.
            let drift = try await app.admin(.post, "/apply?dry_run=true", json: Self.document(accountTemplate: "Field Writer"))
            let drifted = Self.changes(drift)
            #expect(drifted.count == 1)
            #expect(drifted.first?["action"] as? String == "update")
            #expect(drifted.first?["fields"] as? [String] == ["template"])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func pruneDeletesOnlyWithinNamedScopes(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            #expect(try await app.admin(.post, "/apply", json: Self.document()).status == .ok)
            let other = try await app.createCompany("Other Co")
            let otherAccount = try await app.createServiceAccount(company: other, name: "Keep Me")
            let extra = try await app.createServiceAccount(company: try #require(try await app.admin(.get, "/companies").jsonArray.first { $0["name"] as? String == "Riverside Builders" }?["id"] as? Int64 ?? nil), name: "Hand Made")
            _ = extra

            // Without prune, what the document does not name stays.
            let plain = try await app.admin(.post, "/apply?dry_run=true", json: Self.document())
            #expect(Self.changes(plain).isEmpty)

            var document = Self.document()
            document["prune"] = true
            let pruned = try await app.admin(.post, "/apply", json: document)
            #expect(pruned.status == .ok, "\(pruned.text)")
            let deletes = Self.changes(pruned).filter { $0["action"] as? String == "delete" }
            #expect(deletes.map { $0["name"] as? String } == ["Riverside Builders/Hand Made"])
            // The company the document does not name keeps its account.
            #expect(try await app.admin(.get, "/companies/\(other)/service_accounts/\(otherAccount.id)").status == .ok)
        }
    }

    /// A changed document updates in place: a user's name, a template's tools, an installation's version and
    /// permitted projects; with prune, a membership the account no longer lists goes. The plan names each field.
    @Test(arguments: StoreKind.enabled)
    func changesAreMadeInPlace(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            #expect(try await app.admin(.post, "/apply", json: Self.document()).status == .ok)
            var document = Self.document()
            var companies = document["companies"] as! [[String: Any]]
            companies[0]["users"] = [["email": "dana@riverside.example", "first_name": "Dana", "last_name": "Builder", "company_tools": ["admin": "admin"]]]
            companies[0]["permission_templates"] = [
                ["name": "Field Reader", "tools": ["directory": "readonly", "rfi": "standard"]],
                ["name": "Field Writer", "tools": ["rfi": "standard"]],
            ]
            var accounts = companies[0]["service_accounts"] as! [[String: Any]]
            accounts[0]["projects"] = [["project": "Tower A", "template": "Field Reader"]]
            companies[0]["service_accounts"] = accounts
            document["companies"] = companies
            var apps = document["apps"] as! [[String: Any]]
            var versions = apps[0]["versions"] as! [[String: Any]]
            versions.append(["version": "1.1.0", "promoted": true, "company_tools": ["directory": "readonly"], "project_tools": ["rfi": "admin"]])
            apps[0]["versions"] = versions
            document["apps"] = apps
            document["installations"] = [["company": "Riverside Builders", "app": "Field Sync", "version": "1.1.0", "permitted_projects": ["Tower A", "Tower B"]]]
            document["prune"] = true

            let applied = try await app.admin(.post, "/apply", json: document)
            #expect(applied.status == .ok, "\(applied.text)")
            let summary = Self.changes(applied).map { "\($0["action"]!) \($0["kind"]!) \($0["name"]!) \(($0["fields"] as? [String] ?? []).joined(separator: ","))" }
            #expect(summary.contains("update user Riverside Builders/dana@riverside.example last_name"))
            #expect(summary.contains("update permission_template Riverside Builders/Field Reader tools"))
            #expect(summary.contains("create app_version Field Sync/1.1.0 company_tools,project_tools"))
            #expect(summary.contains("update installation Riverside Builders/Field Sync version"))
            #expect(summary.contains("update installation Riverside Builders/Field Sync permitted_projects"))
            #expect(summary.contains("delete membership Riverside Builders/Nightly Sync/Tower B "))
            #expect(!summary.contains { $0.hasPrefix("delete user") || $0.hasPrefix("delete service_account") })

            let export = try Self.read(try await app.admin(.get, "/export"))
            #expect(export.companies[0].users[0].lastName == "Builder")
            #expect(export.companies[0].serviceAccounts[0].projects.map(\.project) == ["Tower A"])
            #expect(export.installations.first?.version == "1.1.0")
            #expect(export.installations.first?.permittedProjects == ["Tower A", "Tower B"])
            #expect(Self.changes(try await app.admin(.post, "/apply", json: document)).isEmpty)
        }
    }

    /// Two applies of one new document at the same moment (two operators, two nodes' worth of requests): the
    /// second waits for the first and then finds nothing to do, so the company exists once.
    @Test(arguments: StoreKind.enabled)
    func concurrentAppliesCreateOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let body = String(decoding: try JSONSerialization.data(withJSONObject: Self.document()), as: UTF8.self)
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<2 { group.addTask { try await app.admin(.post, "/apply", raw: body) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.map(\.status) == [.ok, .ok], "\(results.map(\.text))")
            #expect(results.map { Self.changes($0).isEmpty }.sorted { !$0 && $1 } == [false, true], "one did the work, the other found none")
            #expect(try await app.admin(.get, "/companies").jsonArray.count == 1)
            #expect(try await app.admin(.get, "/apps").jsonArray.count == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aFailureHalfwayChangesNothing(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.applyFaultAfter = 6 }) { app in
            let before = try await app.admin(.get, "/audit?per_page=1").header("Total")
            let failed = try await app.admin(.post, "/apply", json: Self.document())
            #expect(failed.status == .internalServerError)
            #expect(try await app.admin(.get, "/companies").jsonArray.isEmpty, "the company created first is rolled back")
            #expect(try await app.admin(.get, "/apps").jsonArray.isEmpty)
            #expect(try await app.admin(.get, "/audit?per_page=1").header("Total") == before, "no audit row for a change that never happened")
            let plan = try await app.admin(.post, "/apply?dry_run=true", json: Self.document())
            #expect(Self.changes(plan).count > 6, "the whole document is still to do")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func givenCredentialsNeedTheFlag(_ kind: StoreKind) async throws {
        let secret = String(repeating: "s3cret-", count: 6)
        try await TestApp.run(kind) { app in
            let refused = try await app.admin(.post, "/apply", json: Self.document(secret: secret))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields["companies[0].service_accounts[0].client_id"]?.contains("--allow-given-credentials") == true)
            #expect(try await app.admin(.get, "/companies").jsonArray.isEmpty)
        }
        try await TestApp.run(kind, configure: { $0.allowsGivenCredentials = true }) { app in
            let applied = try await app.admin(.post, "/apply", json: Self.document(secret: secret))
            #expect(applied.status == .ok, "\(applied.text)")
            let token = try await app.accessToken(clientID: "ci-nightly-sync", secret: secret)
            let companies = try await app.rest(.get, "/rest/v1.0/companies", token: token, company: nil)
            #expect(companies.jsonArray.first?["name"] as? String == "Riverside Builders")
            // Short secrets are refused, with the path.
            var short = Self.document(secret: "too-short")
            short["companies"] = (short["companies"] as! [[String: Any]]).map { var c = $0; c["name"] = "Elsewhere"; return c }
            let bad = try await app.admin(.post, "/apply", json: short)
            #expect(bad.errorFields["companies[0].service_accounts[0].client_secret"]?.contains("32") == true)
        }
    }

    /// Every kind of bad document answers 422 with the path of its node, and nothing changes.
    @Test(arguments: ["unknown key", "wrong type", "unknown template", "duplicate name", "bad level", "bad version"])
    func badDocumentsNameTheNode(_ name: String) async throws {
        var document = Self.document()
        var companies = document["companies"] as! [[String: Any]]
        var apps = document["apps"] as! [[String: Any]]
        let path: String
        switch name {
        case "unknown key":
            document["colour"] = "blue"; path = "colour"
        case "wrong type":
            document["apps"] = "Field Sync"; path = "apps"
        case "unknown template":
            var accounts = companies[0]["service_accounts"] as! [[String: Any]]
            accounts[0]["projects"] = [["project": "Tower A", "template": "Nope"]]
            companies[0]["service_accounts"] = accounts
            document["companies"] = companies
            path = "companies[0].service_accounts[0].projects[0].template"
        case "duplicate name":
            companies[0]["projects"] = [["name": "Tower A"], ["name": "Tower B"], ["name": "tower a"]]
            document["companies"] = companies
            path = "companies[0].projects[2].name"
        case "bad level":
            apps[0]["versions"] = [["version": "1.0.0", "company_tools": ["directory": "mighty"]]]
            document["apps"] = apps
            path = "apps[0].versions[0].company_tools.directory"
        default:
            document["version"] = 2; path = "version"
        }
        let sent = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        try await TestApp.run(.sqlite) { app in
            let result = try await app.admin(.post, "/apply", raw: sent)
            #expect(result.status == .unprocessableContent, "\(name): \(result.text)")
            #expect(result.errorFields[path] != nil, "\(name): \(result.errorFields)")
            #expect(try await app.admin(.get, "/companies").jsonArray.isEmpty)
        }
    }

    /// Two objects of one name in one scope: the apply cannot tell which is meant, so it answers 422 and lists them.
    @Test(arguments: StoreKind.enabled)
    func ambiguousNamesAreListed(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let first = try await app.createCompany("Riverside Builders")
            let second = try await app.createCompany("Riverside Builders")
            let result = try await app.admin(.post, "/apply", json: Self.document())
            #expect(result.status == .unprocessableContent)
            #expect(result.errorFields["companies[0].name"]?.contains("ids \(first), \(second)") == true, "\(result.errorFields)")
            #expect(try await app.admin(.get, "/companies").jsonArray.count == 2)
        }
    }

    @Test
    func onlyOperatorsApplyAndExport() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.tenant()
            _ = company
            let anonymous = try await app.request(.post, "/admin/v1/apply", headers: [.contentType: "application/json"], body: "{\"version\":1}")
            #expect(anonymous.status == .unauthorized)
            #expect(try await app.admin(.get, "/export?company=Nobody").status == .unprocessableContent)
            #expect(try await app.admin(.post, "/apply?dry_run=maybe", json: ["version": 1]).status == .badRequest)
        }
    }
}
