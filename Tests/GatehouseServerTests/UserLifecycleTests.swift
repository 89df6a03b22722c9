import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// `PATCH /admin/v1/people/{id}` with `is_active`: deactivating a user ends their sessions at once.
@Suite("User lifecycle")
struct UserLifecycleTests {
    @Test(arguments: StoreKind.enabled)
    func deactivatingAUserEndsTheirSessionsAndSignIn(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let user = try await app.createUser(company: company, email: "pat@example.com", password: "hunter2hunter2")
            _ = try await app.grant(company: company, person: user, ["admin": "admin"])
            let (cookie, _) = try await SessionAdminTests().signIn(app, email: "pat@example.com", password: "hunter2hunter2")
            let list = "/admin/v1/companies/\(company)/service_accounts"
            #expect(try await app.request(.get, list, headers: [.cookie: cookie]).status == .ok)

            let deactivated = try await app.admin(.patch, "/people/\(user)", json: ["is_active": false])
            #expect(deactivated.status == .ok)
            #expect(deactivated.json["is_active"] as? Bool == false)
            #expect(try await app.request(.get, list, headers: [.cookie: cookie]).status == .unauthorized, "the session ended")
            let again = try await app.request(.get, "/login")
            #expect(again.status == .ok)
            let audit = try await app.admin(.get, "/audit?action=person.deactivate").jsonArray
            #expect(audit.first?["target"] as? String == "person:\(user)")

            // Reactivated, the user signs in again; nothing else changed.
            #expect(try await app.admin(.patch, "/people/\(user)", json: ["is_active": true]).json["is_active"] as? Bool == true)
            let (fresh, _) = try await SessionAdminTests().signIn(app, email: "pat@example.com", password: "hunter2hunter2")
            #expect(try await app.request(.get, list, headers: [.cookie: fresh]).status == .ok)
        }
    }

    /// A contact is active exactly while its account is; it is switched through the account.
    @Test func aContactCannotBeDeactivatedDirectly() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, account, token) = try await app.tenant()
            let refused = try await app.admin(.patch, "/people/\(account.contactID)", json: ["is_active": false])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields["is_active"] != nil)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil).status == .ok)
        }
    }
}
