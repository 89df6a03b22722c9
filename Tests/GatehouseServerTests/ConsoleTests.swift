import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// A browser's view of the console: a session cookie and the CSRF token its pages carry.
struct ConsoleUser {
    let cookie: String
    let csrf: String
    var headers: HTTPFields { [.cookie: "gh_session=\(cookie)"] }
}

extension TestApp {
    /// Signs a user in through `/login`, as a browser would, and reads the session's CSRF token from a page.
    func signIn(_ email: String, password: String = "hunter2hunter2") async throws -> ConsoleUser {
        let form = try await request(.get, "/login")
        let csrfCookie = form.headers[values: .setCookie].first { $0.hasPrefix("gh_csrf=") } ?? ""
        let token = String(csrfCookie.dropFirst("gh_csrf=".count).prefix { $0 != ";" })
        let body = "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password)&csrf_token=\(token)"
        let result = try await request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gh_csrf=\(token)"], body: body)
        guard result.status == .seeOther, let set = result.headers[values: .setCookie].first(where: { $0.hasPrefix("gh_session=") }) else {
            throw TestFailure("sign-in failed: \(result.status)")
        }
        let cookie = String(set.dropFirst("gh_session=".count).prefix { $0 != ";" })
        let home = try await request(.get, "/", headers: [.cookie: "gh_session=\(cookie)"])
        guard let range = home.text.range(of: "name=\"csrf_token\" value=\"") else { throw TestFailure("no CSRF token on the page") }
        let csrf = String(home.text[range.upperBound...].prefix { $0 != "\"" })
        return ConsoleUser(cookie: cookie, csrf: csrf)
    }

    func page(_ user: ConsoleUser, _ path: String) async throws -> HTTPResult {
        try await request(.get, path, headers: user.headers)
    }

    func submit(_ user: ConsoleUser, _ path: String, _ fields: [String: String], csrf: String? = nil) async throws -> HTTPResult {
        var all = fields
        all["csrf_token"] = csrf ?? user.csrf
        let body = all.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        var headers = user.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await request(.post, path, headers: headers, body: body)
    }

    /// A company with a company admin and a plain user, both able to sign in.
    func consoleTenant() async throws -> (company: Int64, admin: Int64, user: Int64) {
        let company = try await createCompany()
        let admin = try await createUser(company: company, email: "admin@example.com")
        try await grant(company: company, person: admin, ["admin": "admin"])
        let user = try await createUser(company: company, email: "user@example.com")
        return (company, admin, user)
    }
}

@Suite("Web console")
struct ConsoleTests {
    @Test(arguments: StoreKind.enabled)
    func anAdminCreatesAnAccountAndSeesItsSecretOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            let created = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Nightly Sync"])
            #expect(created.status == .ok)
            #expect(created.text.contains("id=\"client-secret\""))
            #expect(created.text.contains("will not be shown again"))
            let secret = try #require(created.text.range(of: "id=\"client-secret\">").map { String(created.text[$0.upperBound...].prefix { $0 != "<" }) })
            let clientID = try #require(created.text.range(of: "id=\"client-id\">").map { String(created.text[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(try await app.token(clientID: clientID, secret: secret).status == .ok, "the secret on the page works")
            let list = try await app.page(admin, "/companies/\(company)/service_accounts")
            #expect(list.text.contains("Nightly Sync"))
            #expect(!list.text.contains(secret), "the secret is never shown again")
        }
    }

    @Test func aPostWithoutTheSessionsCSRFTokenIsRefused() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            let forged = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Forged"], csrf: "not-the-token")
            #expect(forged.status == .forbidden)
            let other = try await app.signIn("user@example.com")
            let crossed = try await app.submit(admin, "/companies/\(company)/service_accounts", ["name": "Crossed"], csrf: other.csrf)
            #expect(crossed.status == .forbidden, "another session's token does not pass")
            let list = try await app.page(admin, "/companies/\(company)/service_accounts")
            #expect(!list.text.contains("Forged") && !list.text.contains("Crossed"))
        }
    }

    @Test func everyHTMLAnswerCarriesTheSecurityHeaders() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            for response in [try await app.request(.get, "/login"), try await app.page(admin, "/companies/\(company)/service_accounts"),
                             try await app.page(admin, "/companies/999999/service_accounts")] {
                let csp = response.header("Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                #expect(response.header("Referrer-Policy") == "same-origin")
            }
        }
    }

    /// Every console route, for each role: the company admin gets the page, a plain user of the company and
    /// an admin of another company get the 403 page, and nobody signed in is sent to the sign-in page.
    @Test(arguments: StoreKind.enabled)
    func authorizationOnEveryConsoleRoute(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, _, user) = try await app.consoleTenant()
            let otherCompany = try await app.createCompany("Other Co")
            let otherAdmin = try await app.createUser(company: otherCompany, email: "other@example.com")
            try await app.grant(company: otherCompany, person: otherAdmin, ["admin": "admin"])
            let account = try await app.createServiceAccount(company: company)
            _ = user
            let base = "/companies/\(company)"
            let account_ = "\(base)/service_accounts/\(account.id)"
            let gets = ["\(base)/service_accounts", "\(base)/service_accounts/new", account_, "\(account_)/reset_secret", "\(account_)/disable",
                        "\(account_)/enable", "\(account_)/delete", "\(base)/directory", "\(base)/permission_templates", "\(base)/apps",
                        "\(base)/audit", "\(base)/migration", "\(base)/migration/\(account.id)"]
            let posts = ["\(base)/service_accounts", "\(account_)/permissions", "\(account_)/projects", "\(account_)/rotate_secret",
                         "\(account_)/reset_secret", "\(account_)/disable", "\(account_)/enable", "\(account_)/delete", "\(base)/directory",
                         "\(base)/permission_templates", "\(base)/migration/\(account.id)"]
            let admin = try await app.signIn("admin@example.com")
            let plain = try await app.signIn("user@example.com")
            let stranger = try await app.signIn("other@example.com")
            for path in gets {
                #expect(try await app.page(admin, path).status == .ok, "admin GET \(path)")
                #expect(try await app.page(plain, path).status == .forbidden, "user GET \(path)")
                #expect(try await app.page(stranger, path).status == .forbidden, "other company's admin GET \(path)")
                let anonymous = try await app.request(.get, path)
                // Signed out, a page read sends to the sign-in page, which returns here afterwards.
                #expect(anonymous.status == .seeOther && anonymous.header("Location") == "/login?next=\(path)", "anonymous GET \(path)")
            }
            for path in posts {
                #expect(try await app.submit(plain, path, [:]).status == .forbidden, "user POST \(path)")
                #expect(try await app.submit(stranger, path, [:]).status == .forbidden, "other company's admin POST \(path)")
            }
            #expect(try await app.page(admin, account_).status == .ok, "nothing above changed the account")
            let forbidden = try await app.page(plain, "\(base)/service_accounts")
            #expect(forbidden.text.contains("id=\"sign-out\""), "the 403 page is in the same layout")
        }
    }

    @Test func theMatrixGrantsLevelsTheRESTSurfaceHonoursAtOnce() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let account = try await app.createServiceAccount(company: company)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await app.rest(.get, "/rest/v1.1/companies/\(company)/users", token: token, company: company).status == .forbidden)
            let admin = try await app.signIn("admin@example.com")
            let saved = try await app.submit(admin, "/companies/\(company)/service_accounts/\(account.id)/permissions", ["tool[directory]": "readonly"])
            #expect(saved.status == .seeOther)
            #expect(try await app.rest(.get, "/rest/v1.1/companies/\(company)/users", token: token, company: company).status == .ok)
            let refused = try await app.submit(admin, "/companies/\(company)/service_accounts/\(account.id)/permissions", ["tool[admin]": "readonly"])
            #expect(refused.status == .unprocessableContent, "a level the tool does not allow is refused on the page")
        }
    }

    @Test func sessionsEndWhenIdleAtTheirAbsoluteEndOnPasswordChangeAndOnSignOut() async throws {
        try await TestApp.run(.sqlite, configure: { $0.sessionIdleTimeout = 600; $0.sessionLifetime = 3600 }) { app in
            let (company, admin, _) = try await app.consoleTenant()
            let path = "/companies/\(company)/service_accounts"

            let idle = try await app.signIn("admin@example.com")
            app.clock.advance(by: 599)
            #expect(try await app.page(idle, path).status == .ok, "activity inside the idle window keeps it")
            app.clock.advance(by: 599)
            #expect(try await app.page(idle, path).status == .ok)
            app.clock.advance(by: 601)
            #expect(try await app.page(idle, path).status == .seeOther, "idle past the window: signed out")

            let busy = try await app.signIn("admin@example.com")
            for _ in 0..<8 {   // 4000 s of steady activity, past the 3600 s lifetime
                app.clock.advance(by: 500)
                _ = try await app.page(busy, path)
            }
            #expect(try await app.page(busy, path).status == .seeOther, "activity does not stretch the absolute lifetime")

            let before = try await app.signIn("admin@example.com")
            _ = try await app.admin(.patch, "/people/\(admin)", json: ["password": "a-new-password-1"])
            #expect(try await app.page(before, path).status == .seeOther, "a password change ends every session")

            let last = try await app.signIn("admin@example.com", password: "a-new-password-1")
            _ = try await app.submit(last, "/logout", [:])
            #expect(try await app.page(last, path).status == .seeOther)
        }
    }

    @Test func aContactOfAnotherCompanyCannotBeAddedAndThePageDoesNotNameIt() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let other = try await app.createCompany("Secret Other Tenant")
            let foreign = try await app.createServiceAccount(company: other)
            let admin = try await app.signIn("admin@example.com")
            let refused = try await app.submit(admin, "/companies/\(company)/directory", ["email": foreign.contactEmail])
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("cannot join another company"))
            #expect(!refused.text.contains("Secret Other Tenant") && !refused.text.contains("company \(other)"))
        }
    }

    @Test func creationIsReplacedByAnExplanationOnceBlocked() async throws {
        let blocked = try SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 0), creationBlockedAt: Date(timeIntervalSince1970: 1), sunsetAt: Date(timeIntervalSince1970: 4_000_000_000))
        try await TestApp.run(.sqlite, configure: { $0.sunsetPolicy = blocked }) { app in
            let (company, _, _) = try await app.consoleTenant()
            let admin = try await app.signIn("admin@example.com")
            let form = try await app.page(admin, "/companies/\(company)/service_accounts/new")
            #expect(form.text.contains("id=\"creation-blocked\""))
            #expect(!form.text.contains("id=\"create\""))
            #expect(form.text.contains("/companies/\(company)/apps") && form.text.contains("/companies/\(company)/migration"))
            #expect(form.text.contains("id=\"sunset-banner\""))
        }
    }
}

@Suite("Web console: more pages")
struct ConsoleMorePagesTests {
    @Test func theSwitcherListsOnlyCompaniesTheUserAdministers() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, admin, _) = try await app.consoleTenant()
            let second = try await app.createCompany("Second Site")
            let third = try await app.createCompany("Not Mine")
            _ = try await app.admin(.post, "/companies/\(second)/directory", json: ["person_id": admin])
            try await app.grant(company: second, person: admin, ["admin": "admin"])
            _ = try await app.admin(.post, "/companies/\(third)/directory", json: ["person_id": admin])
            let user = try await app.signIn("admin@example.com")
            let page = try await app.page(user, "/companies/\(company)/service_accounts")
            #expect(page.text.contains("id=\"company-switcher\""))
            #expect(page.text.contains("Second Site") && !page.text.contains("Not Mine"))
            let switched = try await app.page(user, "/switch?company=\(second)")
            #expect(switched.header("Location") == "/companies/\(second)/service_accounts")
            #expect(try await app.page(user, "/switch?company=\(third)").header("Location") == "/", "a company the user does not administer is not a target")
        }
    }

    @Test func templatesAreEditedInPlaceAndNotDeletedWhileInUse() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let account = try await app.createServiceAccount(company: company)
            let project = try await app.createProject(company: company)
            let template = try await app.createTemplate(company: company, name: "Readers", ["rfi": "readonly"])
            try await app.addMember(project: project, person: account.contactID, template: template)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            let admin = try await app.signIn("admin@example.com")
            #expect(try await app.page(admin, "/companies/\(company)/permission_templates/\(template)").status == .ok)
            let saved = try await app.submit(admin, "/companies/\(company)/permission_templates/\(template)", ["name": "Readers", "tool[rfi]": "none"])
            #expect(saved.status == .seeOther)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company).status == .forbidden,
                    "the edit applies to the membership at once")
            let blank = try await app.submit(admin, "/companies/\(company)/permission_templates/\(template)", ["name": "  "])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.text.contains("id=\"name-error\""))
            let refused = try await app.submit(admin, "/companies/\(company)/permission_templates/\(template)/delete", [:])
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("used by 1 project membership"))
        }
    }

    @Test func dmsaContactsAppearAmongTheServiceAccounts() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let fixture = try await DMSATests().makeApp(app, name: "Field Sync")
            _ = try await DMSATests().install(app, company: company, key: fixture.versionKey)
            let admin = try await app.signIn("admin@example.com")
            let list = try await app.page(admin, "/companies/\(company)/service_accounts")
            #expect(list.text.contains("Field Sync"))
            #expect(list.text.contains("Developer managed app (DMSA)"))
        }
    }
}

extension ConsoleMorePagesTests {
    @Test func aProjectMembershipCanUseExplicitLevels() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, _, _) = try await app.consoleTenant()
            let account = try await app.createServiceAccount(company: company)
            let project = try await app.createProject(company: company)
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            let admin = try await app.signIn("admin@example.com")
            let added = try await app.submit(admin, "/companies/\(company)/service_accounts/\(account.id)/projects",
                                             ["project_id": "\(project)", "template_id": "", "level[rfi]": "standard"])
            #expect(added.status == .seeOther)
            let created = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company,
                                             json: ["rfi": ["subject": "s", "question": ["body": "b"]]])
            #expect(created.status == .created, "standard RFI access from the explicit level")
        }
    }
}

@Suite("Web console: App Management and the developer portal")
struct ConsoleAppsTests {
    /// A developer with a promoted app, a company admin, and both signed in.
    func setUp(_ app: TestApp) async throws -> (company: Int64, admin: ConsoleUser, dev: ConsoleUser, appID: Int64, key: String) {
        let (company, _, _) = try await app.consoleTenant()
        _ = try await app.createUser(company: company, email: "dev@example.com")
        let dev = try await app.signIn("dev@example.com")
        let created = try await app.submit(dev, "/developer/apps", ["name": "Field Sync"])
        #expect(created.status == .ok)
        #expect(created.text.contains("id=\"client-secret\""))
        let apps = try await app.admin(.get, "/apps").jsonArray
        let appID = Int64(try #require(apps.first { $0["name"] as? String == "Field Sync" }?["id"] as? Int))
        let version = try await app.submit(dev, "/developer/apps/\(appID)/versions",
                                           ["version": "1.0.0", "company_tool[directory]": "readonly", "project_tool[rfi]": "standard", "company_tool[admin]": "none"])
        #expect(version.status == .seeOther)
        let versions = try await app.admin(.get, "/apps/\(appID)/versions").jsonArray
        let versionID = try #require(versions.first?["id"] as? Int)
        #expect(try await app.submit(dev, "/developer/apps/\(appID)/versions/\(versionID)/promote", [:]).status == .seeOther)
        let page = try await app.page(dev, "/developer/apps/\(appID)")
        let key = try #require(page.text.range(of: "id=\"app-version-key\">").map { String(page.text[$0.upperBound...].prefix { $0 != "<" }) })
        return (company, try await app.signIn("admin@example.com"), dev, appID, key)
    }

    @Test func theBuilderProducesTheManifestAndErrorsSitNextToTheirField() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, _, dev, appID, _) = try await setUp(app)
            let manifest = try await app.admin(.get, "/apps/\(appID)/versions").jsonArray.first?["manifest"] as? [String: Any]
            #expect(((manifest?["permissions"] as? [String: Any])?["project"] as? [String: String]) == ["rfi": "standard"])
            let bad = try await app.submit(dev, "/developer/apps/\(appID)/versions", ["version": "one", "company_tool[admin]": "readonly"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("id=\"version-error\""))
            #expect(bad.text.contains("Admin is not allowed") || bad.text.contains("Admin "), "the tool's error sits beside its select")
        }
    }

    @Test func anAdminReviewsInstallsAndUninstallsAndTheRESTSurfaceFollows() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, admin, _, appID, key) = try await setUp(app)
            let review = try await app.submit(admin, "/companies/\(company)/apps/review", ["version_key": key])
            #expect(review.status == .ok)
            #expect(review.text.contains("Directory: Read Only") && review.text.contains("RFIs: Standard") || review.text.contains("Standard"))
            let installed = try await app.submit(admin, "/companies/\(company)/apps", ["version_key": key])
            #expect(installed.status == .seeOther)
            let again = try await app.submit(admin, "/companies/\(company)/apps/review", ["version_key": key])
            #expect(again.text.contains("already installed"))
            let wrong = try await app.submit(admin, "/companies/\(company)/apps/review", ["version_key": "nope"])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("No app version has this key"))
            let installations = try await app.admin(.get, "/companies/\(company)/installations").jsonArray
            #expect(installations.count == 1 && (installations.first?["app"] as? [String: Any])?["id"] as? Int == Int(appID))
        }
    }

    /// A developer reaches only their own apps; a company admin only their own company's installations.
    @Test func authorizationOnTheNewRoutes() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, admin, dev, appID, key) = try await setUp(app)
            _ = try await app.submit(admin, "/companies/\(company)/apps", ["version_key": key])
            let installation = try #require(try await app.admin(.get, "/companies/\(company)/installations").jsonArray.first?["id"] as? Int)
            let other = try await app.createCompany("Elsewhere")
            let otherAdminID = try await app.createUser(company: other, email: "elsewhere@example.com")
            try await app.grant(company: other, person: otherAdminID, ["admin": "admin"])
            let stranger = try await app.signIn("elsewhere@example.com")

            for path in ["/developer/apps/\(appID)", "/developer/apps/\(appID)/versions/new", "/developer/apps/\(appID)/reset_secret"] {
                #expect(try await app.page(dev, path).status == .ok, "developer GET \(path)")
                #expect(try await app.page(stranger, path).status == .notFound, "another user GET \(path)")
            }
            for path in ["/developer/apps/\(appID)", "/developer/apps/\(appID)/versions", "/developer/apps/\(appID)/rotate_secret",
                         "/developer/apps/\(appID)/reset_secret", "/developer/apps/\(appID)/jwks"] {
                #expect(try await app.submit(stranger, path, ["name": "x", "version": "9.9.9"]).status == .notFound, "another user POST \(path)")
            }
            #expect(!(try await app.page(stranger, "/developer/apps").text.contains("Field Sync")))
            for path in ["/companies/\(company)/apps", "/companies/\(company)/apps/\(installation)", "/companies/\(company)/apps/\(installation)/uninstall"] {
                #expect(try await app.page(admin, path).status == .ok, "admin GET \(path)")
                #expect(try await app.page(stranger, path).status == .forbidden, "other company's admin GET \(path)")
                #expect(try await app.page(dev, path).status == .forbidden, "a developer who is not a company admin GET \(path)")
            }
            #expect(try await app.submit(stranger, "/companies/\(company)/apps/\(installation)/uninstall", [:]).status == .forbidden)
            #expect(try await app.page(stranger, "/companies/\(other)/apps/\(installation)").status == .notFound, "an installation of another company is not found")
            #expect(try await app.page(stranger, "/marketplace").status == .ok, "the marketplace is open to any signed-in user")
        }
    }

    @Test func aPrivateJWKIsRefusedWithTheReason() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, _, dev, appID, _) = try await setUp(app)
            let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"BBBB","d":"secret"}]}"#
            let refused = try await app.submit(dev, "/developer/apps/\(appID)/jwks", ["jwks": jwks])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("public keys only"))
        }
    }
}
