import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// Every admin list pages with `page` and `per_page`, answers `Total` and `Link`, and cuts nothing silently;
/// the audit log filters by outcome and time, and a company's admins read their own company's entries.
@Suite("Admin lists")
struct AdminListsTests {
    @Test(arguments: StoreKind.enabled)
    func adminListsArePagedWithTotalAndLink(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            for name in ["A", "B", "C"] { _ = try await app.createCompany(name) }
            let first = try await app.admin(.get, "/companies?per_page=2")
            #expect(first.jsonArray.count == 2)
            #expect(first.header("Total") == "3")
            #expect(first.header("Link")?.contains("rel=\"next\"") == true)
            let second = try await app.admin(.get, "/companies?per_page=2&page=2")
            #expect(second.jsonArray.compactMap { $0["name"] as? String } == ["C"])
            #expect(try await app.admin(.get, "/companies?page=0").status == .badRequest)

            let company = try await app.createCompany("Big")
            for i in 0..<5 { _ = try await app.createProject(company: company, name: "P\(i)") }
            let projects = try await app.admin(.get, "/companies/\(company)/projects?per_page=3&page=2")
            #expect(projects.jsonArray.compactMap { $0["name"] as? String } == ["P3", "P4"])
            #expect(projects.header("Total") == "5")
            let directory = try await app.admin(.get, "/companies/\(company)/directory")
            #expect(directory.header("Total") == "\(directory.jsonArray.count)")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func theAuditLogFiltersByOutcomeAndTimeAndCompanyAdminsReadTheirOwn(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany("Mine"), other = try await app.createCompany("Other")
            let (_, account, _) = try await app.tenant()
            _ = try await app.token(clientID: account.clientID, secret: "wrong-secret")
            let failures = try await app.admin(.get, "/audit?outcome=failure").jsonArray
            #expect(!failures.isEmpty)
            #expect(failures.allSatisfy { $0["outcome"] as? String == "failure" })
            let future = Int(app.clock.now.timeIntervalSince1970) + 3600
            let none = try await app.admin(.get, "/audit?since=\(future)")
            #expect(none.jsonArray.isEmpty)
            #expect(none.header("Total") == "0")
            #expect(try await app.admin(.get, "/audit?since=yesterday").status == .badRequest)

            let user = try await app.createUser(company: company, email: "boss@example.com", password: "hunter2hunter2")
            _ = try await app.grant(company: company, person: user, ["admin": "admin"])
            _ = try await app.admin(.patch, "/companies/\(company)", json: ["name": "Mine, renamed"])
            let (cookie, _) = try await SessionAdminTests().signIn(app, email: "boss@example.com", password: "hunter2hunter2")
            let own = try await app.request(.get, "/admin/v1/companies/\(company)/audit", headers: [.cookie: cookie])
            #expect(own.status == .ok)
            #expect(own.header("Total") != nil)
            #expect(try await app.request(.get, "/admin/v1/companies/\(other)/audit", headers: [.cookie: cookie]).status == .forbidden)
            #expect(try await app.request(.get, "/admin/v1/audit", headers: [.cookie: cookie]).status == .forbidden, "the whole log is for operators")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func operatorTokensAreListedAndRevokedThroughTheAPI(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let token = ClientSecret.generate()
            let id = try await app.runtime.store.createAdminToken(name: "deploy", hash: app.runtime.hasher.hash(token), at: app.clock.now)
            let headers: HTTPFields = [.authorization: "Bearer \(token.value)"]
            #expect(try await app.request(.get, "/admin/v1/companies", headers: headers).status == .ok)
            let listed = try await app.admin(.get, "/admin_tokens")
            #expect(listed.header("Total") == "1")
            let entry = try #require(listed.jsonArray.first)
            #expect(entry["name"] as? String == "deploy")
            #expect(entry["last_used_at"] is String, "the use was recorded")
            #expect(entry.keys.sorted() == ["created_at", "id", "last_used_at", "name"], "never the token or its hash")

            #expect(try await app.admin(.delete, "/admin_tokens/\(id)").status == .noContent)
            #expect(try await app.request(.get, "/admin/v1/companies", headers: headers).status == .unauthorized)
            #expect(try await app.admin(.delete, "/admin_tokens/\(id)").status == .notFound)
            let audit = try await app.admin(.get, "/audit?action=admin_token.revoke").jsonArray
            #expect(audit.first?["target"] as? String == "admin_token:\(id)")
        }
    }
}
