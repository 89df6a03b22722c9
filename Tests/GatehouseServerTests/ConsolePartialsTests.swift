import Foundation
import GatehouseCore
import Testing

/// The console's shared fragments (`partial-csrf`, `partial-secrets`, `partial-tool-field`) render the same
/// markup on every page that uses them, with the values of the page they are on.
@Suite("Console partials")
struct ConsolePartialsTests {
    /// Every POST form on the pages an admin uses carries this session's CSRF token, exactly once.
    @Test func everyPostFormCarriesTheSessionsCSRFToken() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            _ = try await app.createProject(company: company, name: "Tower")
            let created = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Nightly Sync"])
            #expect(created.status == .ok)
            let accounts = try await app.admin(.get, "/companies/\(company)/service_accounts").jsonArray
            let id = try #require(accounts.first?["id"] as? Int)
            let base = "/companies/\(company)/service_accounts/\(id)"
            var checked = 0
            for path in [base, "/companies/\(company)/permission_templates", "/companies/\(company)/directory", "/companies/\(company)/migration", "/companies/\(company)/apps"] {
                let page = try await app.page(admin, path)
                #expect(page.status == .ok, "\(path)")
                let forms = page.text.components(separatedBy: "<form method=\"post\"").dropFirst()
                for form in forms {
                    let body = form.components(separatedBy: "</form>")[0]
                    #expect(body.components(separatedBy: "name=\"csrf_token\" value=\"\(admin.csrf)\"").count == 2, "\(path): \(body.prefix(120))")
                    checked += 1
                }
            }
            #expect(checked >= 8, "the pages must have forms to check, or the check proves nothing")
        }
    }

    /// The tool field: one select per company tool named `tool[key]`, the current level selected; the
    /// membership form's explicit levels named `level[key]`; the secrets table's retire button with one class.
    @Test func toolFieldsAndTheSecretsTableRenderTheirValues() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let admin = try await app.createUser(company: company, email: "admin@example.com")
            try await app.grant(company: company, person: admin, ["admin": "admin"])
            try await app.grant(company: company, person: account.contactID, ["directory": "standard"])
            _ = try await app.admin(.post, "/companies/\(company)/service_accounts/\(account.id)/rotate_secret", json: ["previous_expires_in": 60])
            let user = try await app.signIn("admin@example.com")
            let page = try await app.page(user, "/companies/\(company)/service_accounts/\(account.id)").text

            for tool in ToolCatalog.tools(in: .company) {
                #expect(page.contains("<label for=\"tool-\(tool.key)\">\(tool.friendlyName)</label>"))
                #expect(page.contains("<select id=\"tool-\(tool.key)\" name=\"tool[\(tool.key)]\">"))
            }
            #expect(page.contains("<select id=\"tool-directory\" name=\"tool[directory]\"><option value=\"none\">None</option><option value=\"readonly\">Read Only</option><option value=\"standard\" selected>Standard</option>"))
            #expect(page.contains("<option value=\"admin\">Admin</option>"), "admin is not selected")
            for tool in ToolCatalog.tools(in: .project) {
                #expect(page.contains("<select id=\"level-\(tool.key)\" name=\"level[\(tool.key)]\">"))
            }
            #expect(page.contains("class=\"button danger inline\" id=\"retire-secret-"), "the retirable previous secret has its link to the confirmation")
            #expect(!page.contains("class=\"secondary\" id=\"retire-"), "one class attribute, not two")
        }
    }
}
