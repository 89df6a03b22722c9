import Foundation
import GatehouseCore
import GatehouseServer
import HTTPTypes
import SQLKit
import Testing

/// Three smaller crashes and lies found while hunting the overflow: each answered 500, or a 404 after a success.
@Suite("Crashes and lies found on the way")
struct FoundOnTheWayTests {
    /// Schemathesis found `{"name": "a", "app_type": "custom", "app_id": 3635647}` answering 500. A custom account
    /// names no app, so any `app_id` on it is a 422 that says so, whether the app exists or not.
    @Test(arguments: StoreKind.enabled)
    func aCustomAccountWithAnAppIDIs422(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let company = try await app.createCompany()
            let existing = try await DMSATests().makeApp(app)
            for appID in [3_635_647, existing.appID] {
                let result = try await app.admin(.post, "/companies/\(company)/service_accounts",
                                                 json: ["name": "a", "app_type": "custom", "app_id": appID])
                #expect(result.status == .unprocessableContent, "\(result.text)")
                #expect(result.errorFields["app_id"]?.contains("custom account names no app") == true)
            }
            let marketplace = try await app.admin(.post, "/companies/\(company)/service_accounts",
                                                  json: ["name": "a", "app_type": "marketplace", "app_id": 3_635_647])
            #expect(marketplace.status == .unprocessableContent)
            #expect(marketplace.errorFields["app_id"] != nil)
            let accounts = try await app.admin(.get, "/companies/\(company)/service_accounts")
            #expect(accounts.jsonArray.isEmpty, "nothing was created")
        }
    }

    /// A forged console form naming another company's project as a permitted project: a 422 page with the reason
    /// beside the project list, and nothing changed.
    @Test(arguments: StoreKind.enabled)
    func anotherCompanysProjectOnTheConsoleIs422BesideTheField(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            let own = try await app.createProject(company: a, name: "Own")
            let foreign = try await app.createProject(company: b, name: "Foreign")
            let fixture = try await DMSATests().makeApp(app)
            let installation = try await DMSATests().install(app, company: a, key: fixture.versionKey)
            let admin = try await app.createUser(company: a, email: "admin@a.test")
            try await app.grant(company: a, person: admin, ["admin": "admin"])
            let user = try await app.signIn("admin@a.test")
            let path = "/companies/\(a)/apps/\(installation.id)/permitted_projects"
            let result = try await app.submit(user, path, ["project[\(own)]": "on", "project[\(foreign)]": "on"])
            #expect(result.status == .unprocessableContent, "\(result.status)")
            #expect(result.text.contains("id=\"permitted-projects-error\""), "the reason sits beside the field")
            #expect(result.text.contains("project \(foreign) is not a project of this company"))
            let permitted = try await app.admin(.get, "/companies/\(a)/installations/\(installation.id)/permitted_projects")
            #expect(!permitted.text.contains("\(own)"), "the own project was not added either: all or nothing")
        }
    }

    /// Adding a user to a project with more than 1,000 members answers the new membership, read by its key;
    /// it used to read the first 1,000 members back and answer 404 after the add had succeeded.
    @Test(arguments: StoreKind.enabled)
    func addingAUserToABigProjectAnswersTheMembership(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["directory": "admin"])
            let project = try await app.createProject(company: company)
            let template = try await app.createTemplate(company: company, ["rfi": "standard"])
            // 1,200 existing members, written straight to the store: the HTTP path would take minutes here.
            try await app.runtime.store.database.withWriter { db in
                try await db.raw("""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
                    INSERT INTO people (kind, first_name, last_name, email, is_active, created_at, updated_at)
                    SELECT 'user', 'Bulk', 'Member', 'bulk' || i || '@bulk.test', \(bind: true), 0, 0 FROM n
                    """).run()
                try await db.raw("""
                    INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
                    SELECT \(bind: company), id, \(bind: true), \(bind: true), 0 FROM people WHERE email LIKE '%@bulk.test'
                    """).run()
                try await db.raw("""
                    INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                    SELECT \(bind: project), id, \(bind: template), 0 FROM people WHERE email LIKE '%@bulk.test'
                    """).run()
            }
            let newcomer = try await app.createUser(company: company, email: "newcomer@acme.test", password: nil)
            let added = try await app.rest(.post, "/rest/v1.0/projects/\(project)/users/\(newcomer)/actions/add", token: token, company: company,
                                           json: ["user": ["permission_template_id": template]])
            #expect(added.status.code < 300, "\(added.status) \(added.text)")
            #expect(added.json["id"] as? Int == Int(newcomer))
            let members = try await app.rest(.get, "/rest/v1.0/projects/\(project)/users?per_page=1", token: token, company: company)
            #expect(members.header("Total") == "1201")
        }
    }

    /// A project is read under its company in one place (``Directory/project(_:in:)``): another company's project
    /// is "not found" through the admin API and through the console alike.
    @Test(arguments: StoreKind.enabled)
    func anotherCompanysProjectIsNotFoundThroughEveryDoor(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let a = try await app.createCompany("A"), b = try await app.createCompany("B")
            let foreign = try await app.createProject(company: b, name: "Theirs")
            let patched = try await app.admin(.patch, "/companies/\(a)/projects/\(foreign)", json: ["name": "Mine now"])
            #expect(patched.status == .notFound)
            let account = try await app.createServiceAccount(company: a)
            let admin = try await app.createUser(company: a, email: "admin@a.test")
            try await app.grant(company: a, person: admin, ["admin": "admin"])
            let user = try await app.signIn("admin@a.test")
            let added = try await app.submit(user, "/companies/\(a)/service_accounts/\(account.id)/projects", ["project_id": "\(foreign)", "level[rfi]": "readonly"])
            #expect(added.status == .notFound)
            let members = try await app.admin(.get, "/projects/\(foreign)/memberships")
            #expect(!members.text.contains("\(account.contactID)"), "nothing was added")
        }
    }
}

