import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// Issue 26 through the real HTTP server: one submit, one effect; and the audit in names.
@Suite("Console safety")
struct ConsoleSafetyTests {
    static func formToken(_ page: String) throws -> String {
        let marker = "name=\"form_token\" value=\""
        let rest = try #require(page.components(separatedBy: marker).dropFirst().first)
        return String(rest.prefix { $0 != "\"" })
    }

    @Test(arguments: StoreKind.enabled)
    func aFormPostedTwiceCreatesOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            let form = try await app.page(admin, "/companies/\(company)/service_accounts/new")
            let token = try Self.formToken(form.text)
            #expect(token.count >= 20)
            // A refused post (no name) releases the claim: the corrected form goes through with the same token.
            let refused = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "", "form_token": token])
            #expect(refused.status == .unprocessableContent)
            let first = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Nightly Sync", "form_token": token])
            #expect(first.status == .ok && first.text.contains("will not be shown again"))
            let second = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Nightly Sync", "form_token": token])
            let accounts = try await app.admin(.get, "/companies/\(company)/service_accounts").jsonArray
            #expect(accounts.count == 1, "the second post created nothing")
            let id = try #require(accounts.first?["id"] as? Int)
            #expect(second.status == .seeOther)
            #expect(second.header("Location") == "/companies/\(company)/service_accounts/\(id)?done=already-sent")
            let landing = try await app.page(admin, try #require(second.header("Location")))
            #expect(landing.text.contains("already sent") && !landing.text.contains("id=\"client-secret\""), "the secret is never shown twice")
            // Two forms of one page share the page's token but not their claim.
            let page = try await app.page(admin, "/companies/\(company)/service_accounts/\(id)")
            let pageToken = try Self.formToken(page.text)
            let saved = try await app.submit(admin, "/companies/\(company)/service_accounts/\(id)/permissions", ["tool[directory]": "readonly", "form_token": pageToken])
            #expect(saved.status == .seeOther && saved.header("Location")?.hasSuffix("?done=saved") == true)
            let rotated = try await app.submit(admin, "/companies/\(company)/service_accounts/\(id)/rotate_secret", ["previous_expires_in": "3600", "form_token": pageToken])
            #expect(rotated.status == .ok && rotated.text.contains("will not be shown again"))
        }
    }

    /// Choosing "Explicit levels" on a membership's row keeps what its template granted, as explicit levels; the
    /// membership page then changes them one by one.
    @Test(arguments: StoreKind.enabled)
    func leavingATemplateKeepsItsLevels(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, _) = try await app.consoleTenant()
            let project = try await app.createProject(company: company, name: "Tower A")
            let account = try await app.createServiceAccount(company: company)
            let template = try await app.createTemplate(company: company, name: "Field", ["rfi": "standard"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            let admin = try await app.signIn("admin@example.com")
            let membership = "/companies/\(company)/service_accounts/\(account.id)/projects/\(project)"
            #expect(try await app.submit(admin, membership, ["template_id": ""]).status == .seeOther)
            let members = try await app.admin(.get, "/projects/\(project)/memberships").jsonArray
            #expect(members.first?["permission_template"] is NSNull, "no longer on the template")
            let created = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company,
                                             json: ["rfi": ["subject": "Still standard", "question": ["body": "?"]]])
            #expect(created.status == .created, "the template's Standard is kept")
            #expect(try await app.page(admin, membership).text.contains("<option value=\"standard\" selected>Standard</option>"))
            #expect(try await app.submit(admin, membership, ["template_id": "", "level[rfi]": "readonly"]).status == .seeOther)
            #expect(try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company,
                                       json: ["rfi": ["subject": "Now read only", "question": ["body": "?"]]]).status == .forbidden)
        }
    }

    /// Two posts of one form at the same moment: one creates, the other does nothing, and neither waits on the other.
    @Test(arguments: StoreKind.enabled)
    func twoPostsAtOnceCreateOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            let token = try Self.formToken(try await app.page(admin, "/companies/\(company)/service_accounts/new").text)
            async let one = app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Twice Sent", "form_token": token])
            async let two = app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Twice Sent", "form_token": token])
            let statuses = [try await one.status, try await two.status]
            #expect(statuses.contains(.ok) && statuses.contains(.seeOther), "\(statuses)")
            #expect(try await app.admin(.get, "/companies/\(company)/service_accounts").jsonArray.count == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func theAuditSpeaksInNames(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, adminID, _) = try await app.consoleTenant()
            let project = try await app.createProject(company: company, name: "Tower A")
            let admin = try await app.signIn("admin@example.com")
            let account = try await app.createServiceAccount(company: company, name: "Nightly Sync")
            #expect(try await app.submit(admin, "/companies/\(company)/service_accounts/\(account.id)/permissions", ["tool[directory]": "readonly"]).status == .seeOther)
            #expect(try await app.submit(admin, "/companies/\(company)/service_accounts/\(account.id)/projects",
                                         ["project_id": "\(project)", "template_id": "", "level[rfi]": "readonly"]).status == .seeOther)
            let base = "/companies/\(company)/audit"
            // Who: a part of the name, any case, finds the admin's rows, and shows the name with the id one click away.
            let byName = try await app.page(admin, base + "?actor=PAT")
            #expect(byName.status == .ok)
            #expect(byName.text.contains("<summary>Pat User</summary><code>person:\(adminID)</code>"), "\(byName.text)")
            #expect(byName.text.contains("permissions.set") && byName.text.contains("membership.add"))
            #expect(!byName.text.contains("service_account.create"), "the operator created the account")
            // Targets in names: the account's contact and the membership.
            #expect(byName.text.contains("Pat User") && byName.text.contains("on Tower A"))
            let byAction = try await app.page(admin, base + "?action=MEMBERSHIP")
            #expect(byAction.text.contains("membership.add") && !byAction.text.contains("permissions.set"))
            let failures = try await app.page(admin, base + "?outcome=failure")
            #expect(failures.text.contains("No entries match."))
            #expect(try await app.page(admin, base + "?outcome=bogus").status == .badRequest)
            let inverted = try await app.page(admin, base + "?since=2026-02-01T00:00&until=2026-01-01T00:00")
            #expect(inverted.text.contains("id=\"filter-error\"") && inverted.text.contains("the range is inverted"))
            // The account's recent activity includes its permission and membership changes.
            let accountPage = try await app.page(admin, "/companies/\(company)/service_accounts/\(account.id)")
            let activity = try #require(accountPage.text.components(separatedBy: "<h2>Recent activity</h2>").last)
            #expect(activity.contains("permissions.set") && activity.contains("membership.add") && activity.contains("service_account.create"))
            // A token's target is the bare client id: it reads as the account's name.
            _ = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            let tokens = try await app.page(admin, base + "?action=token")
            #expect(tokens.text.contains("<summary>Nightly Sync</summary><code>\(account.clientID)</code>"), "\(tokens.text)")
        }
    }
}
