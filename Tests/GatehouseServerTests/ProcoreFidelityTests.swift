import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// What a client written for Procore does, unchanged, against Gatehouse: Procore's "Multiple Procore Zones"
/// header rules, the versions its SDKs call, its RFI shape, and a `scope` its OAuth library may send.
@Suite("Procore fidelity")
struct ProcoreFidelityTests {
    /// An app installed in two companies (B first, then A), and its token.
    func appInTwoCompanies(_ app: TestApp) async throws -> (token: String, first: Int64, second: Int64, firstContact: Int64) {
        let fixture = try await DMSATests().makeApp(app)
        let first = try await app.createCompany("First"), second = try await app.createCompany("Second")
        let installed = try await DMSATests().install(app, company: first, key: fixture.versionKey)
        _ = try await DMSATests().install(app, company: second, key: fixture.versionKey)
        return (try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret), first, second, installed.contact)
    }

    @Test(arguments: StoreKind.enabled)
    func meAndCompaniesNeverNeedTheHeader(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            // A traditional account: its company is implied.
            let (company, account, token) = try await app.tenant()
            let me = try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil)
            #expect(me.status == .ok)
            #expect(me.json["id"] as? Int == Int(account.contactID))
            let companies = try await app.rest(.get, "/rest/v1.0/companies", token: token, company: nil)
            #expect(companies.status == .ok)
            #expect(companies.jsonArray.compactMap { $0["id"] as? Int } == [Int(company)])

            // A DMSA app: /companies lists every installation, /me answers as the first installation's contact.
            let dmsa = try await appInTwoCompanies(app)
            let listed = try await app.rest(.get, "/rest/v1.0/companies", token: dmsa.token, company: nil)
            #expect(listed.status == .ok)
            #expect(Set(listed.jsonArray.compactMap { $0["id"] as? Int }) == [Int(dmsa.first), Int(dmsa.second)])
            #expect(listed.header("Total") == "2", "paginated like every other list")
            let appMe = try await app.rest(.get, "/rest/v1.0/me", token: dmsa.token, company: nil)
            #expect(appMe.status == .ok)
            #expect(appMe.json["id"] as? Int == Int(dmsa.firstContact))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anAppWithNoInstallationIsNotConnectedEvenOnMe(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let fixture = try await DMSATests().makeApp(app)
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            let me = try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil)
            #expect(me.status == .forbidden)
            #expect((me.json["error"] as? [String: Any])?["message"] as? String == "App is not connected to this company")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func companyPathsNeedTheHeaderFromAnAppButNotFromATraditionalAccount(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let dmsa = try await appInTwoCompanies(app)
            let missing = try await app.rest(.get, "/rest/v1.1/companies/\(dmsa.first)/users", token: dmsa.token, company: nil)
            #expect(missing.status == .badRequest)
            #expect((missing.json["error"] as? [String: Any])?["message"] as? String == "Missing Procore-Company-Id header!")
            #expect(try await app.rest(.get, "/rest/v1.1/companies/\(dmsa.first)/users", token: dmsa.token, company: dmsa.first).status == .ok)

            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["directory": "readonly"])
            #expect(try await app.rest(.get, "/rest/v1.1/companies/\(company)/users", token: token, company: nil).status == .ok)
            let other = try await app.createCompany("Elsewhere")
            #expect(try await app.rest(.get, "/rest/v1.1/companies/\(company)/users", token: token, company: other).status == .forbidden,
                    "a header naming another company is still refused")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func companyUsersAnswerUnderEveryVersionProcoreUsed(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["directory": "readonly"])
            for version in ["v1.0", "v1.1", "v1.2", "v1.3"] {
                let users = try await app.rest(.get, "/rest/\(version)/companies/\(company)/users", token: token, company: company)
                #expect(users.status == .ok, "\(version)")
                #expect(users.jsonArray.contains { $0["id"] as? Int == Int(account.contactID) }, "\(version)")
            }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rfisUnderV1_1InProcoresShape(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let admin = try await app.createTemplate(company: company, name: "RFI admin", ["rfi": "admin"])
            try await app.addMember(project: project, person: account.contactID, template: admin)
            let body: [String: Any] = ["rfi": ["subject": "Beam size?", "question": ["body": "Which beam?"], "rfi_manager_id": account.contactID]]
            let created = try await app.rest(.post, "/rest/v1.1/projects/\(project)/rfis", token: token, company: company, json: body)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? Int)
            let questions = try #require(created.json["questions"] as? [[String: Any]])
            #expect(questions.first?["body"] as? String == "Which beam?")
            let author = try #require(created.json["created_by"] as? [String: Any])
            #expect(author["id"] as? Int == Int(account.contactID))
            #expect(author["login"] as? String == account.contactEmail)
            #expect((author["name"] as? String)?.isEmpty == false)
            #expect((created.json["rfi_manager"] as? [String: Any])?["login"] as? String == account.contactEmail)
            #expect((created.json["assignees"] as? [Any])?.isEmpty == true)

            let patched = try await app.rest(.patch, "/rest/v1.1/projects/\(project)/rfis/\(id)", token: token, company: company, json: ["rfi": ["subject": "Beam size, level 3?"]])
            #expect(patched.json["subject"] as? String == "Beam size, level 3?")
            let listed = try await app.rest(.get, "/rest/v1.1/projects/\(project)/rfis", token: token, company: company)
            #expect(listed.jsonArray.map { $0["id"] as? Int } == [id])
            #expect(try await app.rest(.delete, "/rest/v1.1/projects/\(project)/rfis/\(id)", token: token, company: company).status == .noContent)
        }
    }

    /// Procore's token endpoint takes no scope; an OAuth library's default scope must not break a client.
    @Test(arguments: StoreKind.enabled)
    func aRequestedScopeIsIgnoredAndAnsweredAsNoneGranted(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let body = "grant_type=client_credentials&scope=read%20write&client_id=\(account.clientID)&client_secret=\(account.secret)"
            let result = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
            #expect(result.status == .ok)
            #expect(result.json["scope"] as? String == "", "RFC 6749 §5.1: the granted scope differs from the request, so it is stated")
            let plain = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(plain.json["scope"] == nil, "no scope asked, none stated: Procore's exact shape")
        }
    }

    /// A deprecated traditional account's early refusals carry the deprecation headers, and a list's `Link`
    /// holds its page links only (Procore's Ruby SDK reads every entry as one).
    @Test(arguments: StoreKind.enabled)
    func deprecationHeadersReachEarlyRefusalsAndLinkHoldsPageLinksOnly(_ kind: StoreKind) async throws {
        let deprecated = try SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 0), creationBlockedAt: Date(timeIntervalSince1970: 4_000_000_000),
                                          sunsetAt: Date(timeIntervalSince1970: 4_000_000_001))
        try await TestApp.run(kind, configure: { $0.sunsetPolicy = deprecated }) { app in
            let (company, account, token) = try await app.tenant()
            let other = try await app.createCompany("Other")
            let refused = try await app.rest(.get, "/rest/v1.0/me", token: token, company: other)
            #expect(refused.status == .forbidden)
            #expect(refused.header("Deprecation") != nil && refused.header("Sunset") != nil)

            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let list = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company)
            #expect(list.status == .ok)
            let links = list.headers[values: HTTPField.Name("Link")!]
            #expect(links.count == 1, "one Link header: \(links)")
            #expect(links.first?.contains("rel=\"first\"") == true)
            #expect(links.first?.contains("rel=\"deprecation\"") == false, "no deprecation link on /rest")
            #expect(list.header("Deprecation") != nil && list.header("Sunset") != nil)
        }
    }
}
