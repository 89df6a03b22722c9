import Foundation
import GatehouseCore
import HTTPTypes
import Testing

@Suite("Permissions as Procore has them")
struct PermissionRulesTests {
    @Test(arguments: StoreKind.enabled)
    func aNewAccountHasNoneEverywhereAndIsOnNoProject(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            _ = try await app.createProject(company: company)
            let listAll = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company)
            #expect(listAll.status == .forbidden)
            let mine = try await app.rest(.get, "/rest/v1.0/projects?company_id=\(company)", token: token, company: company)
            #expect(mine.status == .ok)
            #expect(mine.jsonArray.isEmpty)
            let levels = try await app.admin(.get, "/companies/\(company)/people/\(account.contactID)/permissions")
            let tools = levels.json["tools"] as? [String: String] ?? [:]
            #expect(!tools.isEmpty && tools.values.allSatisfy { $0 == "none" })
            let settings = try await app.rest(.get, "/rest/v1.0/settings/permissions?company_id=\(company)", token: token, company: company)
            let reported = (settings.json["tools"] as? [[String: Any]] ?? []).compactMap { ($0["user_access_level"] as? [String: Any])?["key"] as? String }
            #expect(!reported.isEmpty && reported.allSatisfy { $0 == "none" })
        }
    }

    @Test(arguments: StoreKind.enabled)
    func grantsAndRevokesApplyOnTheNextRequestWithTheSameToken(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            _ = try await app.createProject(company: company)
            let uri = "/rest/v1.0/companies/\(company)/projects"
            #expect(try await app.rest(.get, uri, token: token, company: company).status == .forbidden)
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let granted = try await app.rest(.get, uri, token: token, company: company)
            #expect(granted.status == .ok)
            #expect(granted.jsonArray.count == 1)
            try await app.grant(company: company, person: account.contactID, [:])
            #expect(try await app.rest(.get, uri, token: token, company: company).status == .forbidden)
        }
    }

    @Test func aLevelTheToolDoesNotAllowIs422() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let result = try await app.admin(.put, "/companies/\(company)/people/\(account.contactID)/permissions", json: ["tools": ["admin": "readonly", "nope": "admin"]])
            #expect(result.status == .unprocessableContent)
            #expect(Set(result.errorFields.keys) == ["tools.admin", "tools.nope"])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func projectsOutsideTheMembershipAre403AndOtherCompaniesProjectsAre404(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let mine = try await app.createProject(company: company, name: "Mine")
            let notMine = try await app.createProject(company: company, name: "Not mine")
            let other = try await app.createCompany("Other")
            let foreign = try await app.createProject(company: other, name: "Foreign")
            let template = try await app.createTemplate(company: company, ["directory": "readonly"])
            try await app.addMember(project: mine, person: account.contactID, template: template)

            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(mine)", token: token, company: company).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(notMine)", token: token, company: company).status == .forbidden)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(foreign)", token: token, company: company).status == .notFound)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/999999", token: token, company: company).status == .notFound)
            let list = try await app.rest(.get, "/rest/v1.1/projects?company_id=\(company)", token: token, company: company)
            #expect(list.jsonArray.compactMap { $0["id"] as? Int } == [Int(mine)])
            #expect((list.jsonArray.first?["company"] as? [String: Any])?["id"] as? Int == Int(company))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rfiLevelsReadonlyReadsStandardEditsItsOwnAdminDeletes(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            // A second account writes the RFI the first one must not edit.
            let author = try await app.createServiceAccount(company: company, name: "Author")
            let authorToken = try await app.accessToken(clientID: author.clientID, secret: author.secret)
            let standard = try await app.createTemplate(company: company, name: "Standard", ["rfi": "standard"])
            let readonly = try await app.createTemplate(company: company, name: "Readonly", ["rfi": "readonly"])
            let adminT = try await app.createTemplate(company: company, name: "Admin", ["rfi": "admin"])
            try await app.addMember(project: project, person: author.contactID, template: standard)
            let body: [String: Any] = ["rfi": ["subject": "Beam size?", "question": ["body": "Which beam on level 3?"]]]
            let theirs = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: authorToken, company: company, json: body)
            #expect(theirs.status == .created)
            let theirID = try #require(theirs.json["id"] as? Int)
            #expect(((theirs.json["questions"] as? [[String: Any]])?.first)?["body"] as? String == "Which beam on level 3?")

            // readonly: reads, cannot create
            try await app.addMember(project: project, person: account.contactID, template: readonly)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company).jsonArray.count == 1)
            #expect(try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: body).status == .forbidden)

            // standard: creates and edits its own, not others'
            try await app.addMember(project: project, person: account.contactID, template: standard)
            let own = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: body)
            #expect(own.status == .created)
            let ownID = try #require(own.json["id"] as? Int)
            let edit: [String: Any] = ["rfi": ["subject": "Edited"]]
            let editedOwn = try await app.rest(.patch, "/rest/v1.0/projects/\(project)/rfis/\(ownID)", token: token, company: company, json: edit)
            #expect(editedOwn.status == .ok)
            #expect(editedOwn.json["subject"] as? String == "Edited")
            #expect(try await app.rest(.patch, "/rest/v1.0/projects/\(project)/rfis/\(theirID)", token: token, company: company, json: edit).status == .forbidden)
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(project)/rfis/\(ownID)", token: token, company: company).status == .forbidden)

            // admin: edits others' and deletes
            try await app.addMember(project: project, person: account.contactID, template: adminT)
            #expect(try await app.rest(.patch, "/rest/v1.0/projects/\(project)/rfis/\(theirID)", token: token, company: company, json: edit).status == .ok)
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(project)/rfis/\(theirID)", token: token, company: company).status == .noContent)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis/\(theirID)", token: token, company: company).status == .notFound)
        }
    }

    @Test func rfiInputIsValidated() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let template = try await app.createTemplate(company: company, ["rfi": "admin"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            let missing = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: ["rfi": ["subject": ""]])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.errorFields.keys) == ["rfi.subject", "rfi.question.body"])
            let badManager = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company,
                                                json: ["rfi": ["subject": "s", "question": ["body": "b"], "rfi_manager_id": 424242]])
            #expect(badManager.errorFields["rfi.rfi_manager_id"] != nil)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func theContactsEmailCannotChange(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (_, account, _) = try await app.tenant()
            let result = try await app.admin(.patch, "/people/\(account.contactID)", json: ["email": "new@example.com"])
            #expect(result.status == .unprocessableContent)
            #expect(result.errorFields["email"] != nil)
            #expect((result.json["error"] as? [String: Any])?["message"] as? String == "A service account's contact email is generated and can never change")
            let password = try await app.admin(.patch, "/people/\(account.contactID)", json: ["password": "hunter2hunter2"])
            #expect(password.status == .unprocessableContent)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func theContactCannotJoinAnotherCompanysDirectoryButUsersCan(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, _) = try await app.tenant()
            let other = try await app.createCompany("Other")
            let refused = try await app.admin(.post, "/companies/\(other)/directory", json: ["person_id": account.contactID])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "conflict")
            #expect(refused.errorFields["person_id"] != nil)

            let user = try await app.createUser(company: company, email: "pat@example.com")
            let added = try await app.admin(.post, "/companies/\(other)/directory", json: ["person_id": user])
            #expect(added.status == .created)
            #expect(try await app.admin(.post, "/companies/\(other)/directory", json: ["person_id": user]).status == .conflict)
        }
    }

    @Test func templatesInUseCannotBeDeleted() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let template = try await app.createTemplate(company: company, ["rfi": "readonly"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            #expect(try await app.admin(.delete, "/companies/\(company)/permission_templates/\(template)").status == .conflict)
            #expect(try await app.admin(.delete, "/projects/\(project)/memberships/\(account.contactID)").status == .noContent)
            #expect(try await app.admin(.delete, "/companies/\(company)/permission_templates/\(template)").status == .noContent)
            #expect(try await app.admin(.get, "/companies/\(company)/permission_templates/\(template)").status == .notFound)
        }
    }

    @Test func projectSpecificTemplatesOnlyApplyToTheirProject() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let a = try await app.createProject(company: company, name: "A")
            let b = try await app.createProject(company: company, name: "B")
            let onlyA = try await app.createTemplate(company: company, projectID: a, ["rfi": "admin"])
            let onB = try await app.admin(.post, "/projects/\(b)/memberships", json: ["person_id": account.contactID, "permission_template_id": onlyA])
            #expect(onB.status == .unprocessableContent)
            #expect(onB.errorFields["permission_template_id"] != nil)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func usersEndpointsFollowTheDirectoryGates(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let user = try await app.createUser(company: company, email: "pat@example.com")
            #expect(try await app.rest(.get, "/rest/v1.3/companies/\(company)/users", token: token, company: company).status == .forbidden)
            try await app.grant(company: company, person: account.contactID, ["directory": "readonly"])
            let users = try await app.rest(.get, "/rest/v1.1/companies/\(company)/users", token: token, company: company)
            #expect(users.status == .ok)
            let pat = try #require(users.jsonArray.first { $0["id"] as? Int == Int(user) })
            for key in ["id", "first_name", "last_name", "name", "email_address", "is_active", "is_employee"] { #expect(pat[key] != nil, "missing \(key)") }
            #expect(pat["email_address"] as? String == "pat@example.com")

            // Company directory readonly lets it list project users, but adding needs admin.
            let template = try await app.createTemplate(company: company, ["rfi": "readonly"])
            let add = try await app.rest(.post, "/rest/v1.0/projects/\(project)/users/\(user)/actions/add", token: token, company: company, json: ["user": ["permission_template_id": template]])
            #expect(add.status == .forbidden)
            try await app.grant(company: company, person: account.contactID, ["directory": "admin"])
            let added = try await app.rest(.post, "/rest/v1.0/projects/\(project)/users/\(user)/actions/add", token: token, company: company, json: ["user": ["permission_template_id": template]])
            #expect(added.status == .ok, "\(added.text)")
            let projectUsers = try await app.rest(.get, "/rest/v1.0/projects/\(project)/users", token: token, company: company)
            #expect(projectUsers.jsonArray.compactMap { $0["id"] as? Int } == [Int(user)])
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(project)/users/\(user)/actions/remove", token: token, company: company).status == .noContent)
            #expect(try await app.rest(.delete, "/rest/v1.0/projects/\(project)/users/\(user)/actions/remove", token: token, company: company).status == .notFound)
        }
    }

    @Test func createProjectNeedsPortfolioStandardAndAWrappedBody() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            let body: [String: Any] = ["company_id": company, "project": ["name": "New Tower", "project_number": "NT-1"]]
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            #expect(try await app.rest(.post, "/rest/v1.0/projects", token: token, company: company, json: body).status == .forbidden)
            try await app.grant(company: company, person: account.contactID, ["portfolio": "standard"])
            let created = try await app.rest(.post, "/rest/v1.0/projects", token: token, company: company, json: body)
            #expect(created.status == .created)
            #expect(created.json["name"] as? String == "New Tower")
            let invalid = try await app.rest(.post, "/rest/v1.0/projects", token: token, company: company, json: ["company_id": company, "project": ["name": ""]])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields["project.name"] != nil)
        }
    }

    @Test func templatesNeedCompanyPermissionsReadonly() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let template = try await app.createTemplate(company: company, ["rfi": "standard"])
            #expect(try await app.rest(.get, "/rest/v1.0/companies/\(company)/permission_templates", token: token, company: company).status == .forbidden)
            try await app.grant(company: company, person: account.contactID, ["permissions": "readonly"])
            let list = try await app.rest(.get, "/rest/v1.0/companies/\(company)/permission_templates", token: token, company: company)
            #expect(list.jsonArray.count == 1)
            let one = try await app.rest(.get, "/rest/v1.0/companies/\(company)/permission_templates/\(template)", token: token, company: company)
            let rfi = (one.json["tools"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "rfi" }
            #expect((rfi?["user_access_level"] as? [String: Any])?["key"] as? String == "standard")
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/permission_templates", token: token, company: company).jsonArray.count == 1)
        }
    }

    @Test func aCompanyAdminPassesEveryGate() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            try await app.grant(company: company, person: account.contactID, ["admin": "admin"])
            for uri in ["/rest/v1.0/companies/\(company)/projects", "/rest/v1.3/companies/\(company)/users", "/rest/v1.0/projects/\(project)",
                        "/rest/v1.0/projects/\(project)/rfis", "/rest/v1.0/companies/\(company)/permission_templates"] {
                #expect(try await app.rest(.get, uri, token: token, company: company).status == .ok, "\(uri)")
            }
        }
    }

    @Test(arguments: ["abc", "-5", "0", "99999999999999999999"])
    func restPathIdsAreValidated(_ id: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, token) = try await app.tenant()
            for uri in ["/rest/v1.0/projects/\(id)", "/rest/v1.0/projects/\(id)/rfis", "/rest/v1.0/companies/\(id)/projects"] {
                let status = try await app.rest(.get, uri, token: token, company: company).status
                #expect(status == .badRequest || status == .notFound, "\(uri) → \(status)")
            }
        }
    }
}
