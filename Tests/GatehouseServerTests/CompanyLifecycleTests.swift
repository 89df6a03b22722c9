import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// `PATCH /admin/v1/companies/{cid}`: renaming, and deactivation that stops the company's accounts and
/// installations at once.
@Suite("Company lifecycle")
struct CompanyLifecycleTests {
    @Test(arguments: StoreKind.enabled)
    func deactivationStopsTraditionalAccountsAndInstallationsAtOnce(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let other = try await app.createCompany("Other Co")
            let dmsa = DMSATests()
            let fixture = try await dmsa.makeApp(app)
            _ = try await dmsa.install(app, company: company, key: fixture.versionKey)
            _ = try await dmsa.install(app, company: other, key: fixture.versionKey)
            let appToken = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: appToken, company: company).status == .ok)

            let deactivated = try await app.admin(.patch, "/companies/\(company)", json: ["is_active": false])
            #expect(deactivated.status == .ok)
            #expect(deactivated.json["is_active"] as? Bool == false)

            // Tokens already issued stop on the next call (a traditional account's token dies with its company,
            // as with a disabled account); no new token is issued.
            let refused = try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "invalid_token")
            let issued = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(issued.status == .unauthorized)
            #expect(issued.json["error"] as? String == "invalid_client")
            // The app stops in that company and keeps working in the other.
            let appRefused = try await app.rest(.get, "/rest/v1.0/me", token: appToken, company: company)
            #expect(appRefused.status == .forbidden)
            #expect(appRefused.errorCode == "company_inactive")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: appToken, company: other).status == .ok)
            let companies = try await app.rest(.get, "/rest/v1.0/companies", token: appToken, company: nil).jsonArray
            #expect(companies.compactMap { $0["id"] as? Int } == [Int(other)], "a deactivated company is not listed")
            // The audit says who did it.
            let audit = try await app.admin(.get, "/audit?action=company.deactivate").jsonArray
            #expect(audit.first?["target"] as? String == "company:\(company)")

            // Reactivating restores it as it was: nothing was deleted.
            #expect(try await app.admin(.patch, "/companies/\(company)", json: ["is_active": true]).status == .ok)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil).status == .ok)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok)
        }
    }

    @Test func renamingValidatesAndKeepsUnsentFields() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany("Acme")
            let renamed = try await app.admin(.patch, "/companies/\(company)", json: ["name": "  Acme Builders  "])
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] as? String == "Acme Builders")
            #expect(renamed.json["is_active"] as? Bool == true)
            let empty = try await app.admin(.patch, "/companies/\(company)", json: ["name": "   "])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.errorFields["name"] != nil)
            let long = try await app.admin(.patch, "/companies/\(company)", json: ["name": String(repeating: "x", count: 201)])
            #expect(long.status == .unprocessableContent)
            #expect(try await app.admin(.patch, "/companies/999999", json: ["name": "Nope"]).status == .notFound)
            #expect(try await app.admin(.get, "/companies/\(company)").json["name"] as? String == "Acme Builders")
        }
    }
}
