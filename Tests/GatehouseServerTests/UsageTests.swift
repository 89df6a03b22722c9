import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import Testing

/// Least privilege from real use (issue 29): every allowed REST call counts the grant it used; the report compares
/// grants with that use; apply lowers the grants, and the next call that needed a dropped grant is refused.
@Suite("Least privilege from real use")
struct UsageTests {
    /// A company with one project, an account granted three company tools and a project template, and a window
    /// that starts after the grants: the clock moves 31 days on before the account calls.
    struct Setup: Sendable {
        let company: Int64
        let project: Int64
        let account: TestApp.Account
        let template: Int64
    }

    static func setUp(_ app: TestApp) async throws -> Setup {
        let company = try await app.createCompany()
        let project = try await app.createProject(company: company, name: "Tower A")
        let account = try await app.createServiceAccount(company: company)
        try await app.grant(company: company, person: account.contactID, ["directory": "readonly", "portfolio": "readonly", "permissions": "readonly"])
        let template = try await app.createTemplate(company: company, name: "Field", ["rfi": "standard", "submittals": "readonly"])
        try await app.addMember(project: project, person: account.contactID, template: template)
        return Setup(company: company, project: project, account: account, template: template)
    }

    static func flush(_ app: TestApp) async throws {
        try await #require(app.runtime.usage).flush(to: app.runtime.store)
    }

    @Test(arguments: StoreKind.enabled)
    func unusedGrantsAreReportedAndApplyLowersThem(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let s = try await Self.setUp(app)
            app.clock.advance(by: 31 * 86_400)
            let token = try await app.accessToken(clientID: s.account.clientID, secret: s.account.secret)
            for _ in 0..<3 { #expect(try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/users", token: token, company: s.company).status == .ok) }
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(s.project)/rfis", token: token, company: s.company).status == .ok)
            // Refused calls are not use: the account has no budgeting on the project, nor RFI admin.
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(s.project)/rfis/1", token: token, company: s.company).status == .forbidden)
            try await Self.flush(app)

            let report = try await app.admin(.get, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage?days=30")
            #expect(report.status == .ok, "\(report.text)")
            #expect(report.json["complete"] as? Bool == true && report.json["days"] as? Int == 30)
            let used = report.json["used"] as? [[String: Any]] ?? []
            let directory = try #require(used.first { $0["tool"] as? String == "directory" })
            #expect(directory["scope"] as? String == "company" && directory["level"] as? String == "readonly" && directory["calls"] as? Int == 3)
            let rfi = try #require(used.first { $0["tool"] as? String == "rfi" })
            #expect(rfi["scope"] as? String == "project" && rfi["project_id"] as? Int == Int(s.project) && rfi["level"] as? String == "readonly")
            #expect(used.count == 2, "\(used)")
            // Three company tools granted, one used: two unused, each down to none. On the project, RFIs at standard
            // were used at readonly, and submittals not at all.
            let unused = (report.json["unused"] as? [[String: Any]] ?? []).map { "\($0["scope"]!)/\($0["tool"]!) \($0["granted"]!)→\($0["used"]!)" }
            #expect(Set(unused) == ["company/portfolio readonly→none", "company/permissions readonly→none",
                                    "project/rfi standard→readonly", "project/submittals readonly→none"], "\(unused)")
            let granted = try #require((report.json["granted"] as? [String: Any])?["projects"] as? [[String: Any]])
            #expect(granted.first?["source"] as? String == "template" && granted.first?["template"] as? String == "Field")

            let applied = try await app.admin(.post, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage/apply", json: ["days": 30])
            #expect(applied.status == .ok, "\(applied.text)")
            #expect((applied.json["unused"] as? [Any])?.isEmpty == true)
            let after = (applied.json["granted"] as? [String: Any]) ?? [:]
            #expect(after["company"] as? [String: String] == ["directory": "readonly"])
            let membership = try #require((after["projects"] as? [[String: Any]])?.first)
            #expect(membership["source"] as? String == "explicit" && membership["tools"] as? [String: String] == ["rfi": "readonly"])

            // The dropped grants are gone from the next call on; the used ones still work.
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/permission_templates", token: token, company: s.company).status == .forbidden)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/projects", token: token, company: s.company).status == .forbidden)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/users", token: token, company: s.company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(s.project)/rfis", token: token, company: s.company).status == .ok)
            let create = try await app.rest(.post, "/rest/v1.0/projects/\(s.project)/rfis", token: token, company: s.company,
                                            json: ["rfi": ["subject": "Needs standard", "question": ["body": "?"]]])
            #expect(create.status == .forbidden)

            // One audit row for the whole change, naming each grant lowered.
            let audit = try await app.admin(.get, "/audit?action=service_account.usage_apply").jsonArray
            #expect(audit.count == 1)
            #expect((audit.first?["detail"] as? String ?? "").contains("company portfolio readonly→none"))
            // A second apply has nothing left to lower and writes nothing.
            #expect(try await app.admin(.post, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage/apply").status == .ok)
            #expect(try await app.admin(.get, "/audit?action=service_account.usage_apply").jsonArray.count == 1)
        }
    }

    /// A new account is not judged on a day of data: apply is refused until the window is whole, unless forced.
    @Test(arguments: StoreKind.enabled)
    func aPartialWindowNeedsForce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let s = try await Self.setUp(app)
            app.clock.advance(by: 2 * 86_400)
            let report = try await app.admin(.get, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage")
            #expect(report.json["complete"] as? Bool == false && report.json["days"] as? Int == 30)
            #expect(report.json["since"] as? String == Date(timeIntervalSince1970: 1_600_000_000).iso8601)
            let refused = try await app.admin(.post, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage/apply", json: ["days": 30])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields["force"] != nil, "\(refused.text)")
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("2 days of the 30"))
            // Nothing changed.
            let levels = try await app.admin(.get, "/companies/\(s.company)/people/\(s.account.contactID)/permissions")
            #expect((levels.json["tools"] as? [String: String])?["portfolio"] == "readonly", "\(levels.text)")
            let forced = try await app.admin(.post, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage/apply", json: ["days": 30, "force": true])
            #expect(forced.status == .ok)
            #expect((forced.json["granted"] as? [String: Any])?["company"] as? [String: String] == [:])
        }
    }

    /// Bad windows are 400 (query) or 422 (body), naming `days`.
    @Test func badWindowsAreNamed() async throws {
        try await TestApp.run(.sqlite) { app in
            let s = try await Self.setUp(app)
            let base = "/companies/\(s.company)/service_accounts/\(s.account.id)/usage"
            for bad in ["0", "366", "-1", "x", "99999999999999999999"] {
                let answer = try await app.admin(.get, base + "?days=\(bad)")
                #expect(answer.status == .badRequest && answer.errorFields["days"] != nil, "\(bad): \(answer.text)")
            }
            let body = try await app.admin(.post, base + "/apply", json: ["days": 400, "force": true])
            #expect(body.status == .unprocessableContent && body.errorFields["days"] != nil)
            let type = try await app.admin(.post, base + "/apply", json: ["days": "thirty"])
            #expect(type.status.code / 100 == 4)
            #expect(try await app.admin(.get, "/companies/\(s.company)/service_accounts/999/usage").status == .notFound)
        }
    }

    /// A DMSA app's report shows what its manifest grants beyond its use, but apply is refused: its grants are
    /// the manifest's, and the developer lowers them.
    @Test(arguments: StoreKind.enabled)
    func aDMSAAppIsReportedButNotLowered(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let dmsa = DMSATests()
            let fixture = try await dmsa.makeApp(app)
            let company = try await app.createCompany("A")
            let installed = try await dmsa.install(app, company: company, key: fixture.versionKey)
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.rest(.get, "/rest/v1.3/companies/\(company)/users", token: token, company: company).status == .ok)
            try await Self.flush(app)
            let report = try await app.admin(.get, "/companies/\(company)/installations/\(installed.id)/usage")
            #expect(report.status == .ok)
            #expect(report.json["manifest_managed"] as? Bool == true)
            #expect((report.json["used"] as? [[String: Any]])?.first?["tool"] as? String == "directory")
            let refused = try await app.admin(.post, "/companies/\(company)/installations/\(installed.id)/usage/apply", json: ["force": true])
            #expect(refused.status == .unprocessableContent)
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("manifest"))
        }
    }

    /// The counts a node holds reach the database at graceful shutdown, even with a flush interval longer than
    /// the run: a second server on the same data directory reports them.
    @Test func countsAreWrittenAtGracefulShutdown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-usage-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = MasterKey.generate().encoded
        let clock = ManualClock(Date(timeIntervalSince1970: 1_600_000_000))
        let configure: (inout GatehouseConfiguration) -> Void = { $0.dataDirectory = directory; $0.masterKey = key; $0.usageFlushInterval = .seconds(10) }
        let s = try await TestApp.run(.sqlite, clock: clock, live: true, configure: configure) { app in
            let s = try await Self.setUp(app)
            let token = try await app.accessToken(clientID: s.account.clientID, secret: s.account.secret)
            for _ in 0..<5 { #expect(try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/users", token: token, company: s.company).status == .ok) }
            return s
        }
        try await TestApp.run(.sqlite, clock: clock, configure: configure) { app in
            let report = try await app.admin(.get, "/companies/\(s.company)/service_accounts/\(s.account.id)/usage")
            let used = report.json["used"] as? [[String: Any]] ?? []
            #expect(used.first { $0["tool"] as? String == "directory" }?["calls"] as? Int == 5, "\(report.text)")
        }
    }

    /// Counts past `--usage-retention-days` are pruned by the pruning pass.
    @Test func oldCountsArePruned() async throws {
        try await TestApp.run(.sqlite) { app in
            let s = try await Self.setUp(app)
            let token = try await app.accessToken(clientID: s.account.clientID, secret: s.account.secret)
            _ = try await app.rest(.get, "/rest/v1.0/companies/\(s.company)/users", token: token, company: s.company)
            try await Self.flush(app)
            let keep = try await app.runtime.store.prune(PruneCutoffs(now: app.clock.now, sessionsIdleBefore: .distantPast, auditBefore: nil,
                                                                      usageBefore: app.clock.now.addingTimeInterval(-90 * 86_400)))
            #expect(keep.permissionUse == 0)
            let later = app.clock.now.addingTimeInterval(91 * 86_400)
            let pruned = try await app.runtime.store.prune(PruneCutoffs(now: later, sessionsIdleBefore: .distantPast, auditBefore: nil,
                                                                        usageBefore: later.addingTimeInterval(-90 * 86_400)))
            #expect(pruned.permissionUse == 1)
        }
    }

    /// The console's panel, its confirmation and the list's marks and filters, through the pages an admin uses.
    @Test func theConsoleShowsUseAndLowersThroughAConfirmation() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let project = try await app.createProject(company: company, name: "Tower A")
            let account = try await app.createServiceAccount(company: company, name: "Nightly Sync")
            let idle = try await app.createServiceAccount(company: company, name: "Idle Export")
            try await app.grant(company: company, person: account.contactID, ["directory": "readonly", "portfolio": "readonly"])
            let template = try await app.createTemplate(company: company, name: "Field", ["rfi": "standard"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            app.clock.advance(by: 91 * 86_400)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company).status == .ok)
            try await Self.flush(app)
            let admin = try await app.signIn("admin@example.com")
            let base = "/companies/\(company)/service_accounts/\(account.id)"

            let page = try await app.page(admin, base)
            #expect(page.status == .ok)
            let panel = try #require(page.text.components(separatedBy: "id=\"usage\"").dropFirst().first?.components(separatedBy: "</section>").first)
            #expect(panel.contains("Permissions used in the last 30 days"))
            #expect(panel.components(separatedBy: "class=\"unused\"").count - 1 == 2, "portfolio and the project's RFIs")
            #expect(panel.contains("Tower A") && panel.contains("unused · can drop to None"))
            #expect(panel.contains("id=\"apply-usage\" href=\"\(base)/usage/apply\""))

            let confirm = try await app.page(admin, base + "/usage/apply")
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("Portfolio at company level: Read Only → None"), "\(confirm.text)")
            #expect(confirm.text.contains("RFIs on Tower A: Standard → None"), "\(confirm.text)")
            #expect(confirm.text.contains("id=\"confirm\"") && !confirm.text.contains("name=\"force\""))

            // The list marks both kinds, and each filter keeps only its own.
            let list = try await app.page(admin, "/companies/\(company)/service_accounts")
            #expect(list.text.contains("unused grants") && list.text.contains(">stale<"))
            let unused = try await app.page(admin, "/companies/\(company)/service_accounts?filter=unused")
            #expect(unused.text.contains("Nightly Sync") && !unused.text.contains("Idle Export"))
            let stale = try await app.page(admin, "/companies/\(company)/service_accounts?filter=stale")
            #expect(stale.text.contains("Idle Export") && !stale.text.contains("Nightly Sync"), "\(idle.id)")
            #expect(try await app.page(admin, "/companies/\(company)/service_accounts?filter=bogus").status == .badRequest)

            let applied = try await app.submit(admin, base + "/usage/apply", [:])
            #expect(applied.status == .seeOther)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .forbidden)
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company).status == .ok)
            let after = try await app.page(admin, base + "?done=usage-applied")
            #expect(after.text.contains("Permissions lowered") && !after.text.contains("id=\"apply-usage\""))
        }
    }
}
