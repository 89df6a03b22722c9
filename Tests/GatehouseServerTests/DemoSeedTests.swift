import Foundation
import GatehouseServer
import Testing

/// `gatehouse serve --demo` seeds through the services, like any door: the printed credentials work, the demo
/// admin signs in, and every record it made is in the audit log.
@Suite("Demo seed")
struct DemoSeedTests {
    @Test(arguments: StoreKind.enabled)
    func theDemoIsMadeThroughTheServicesAndItsCredentialsWork(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.sunsetPolicy = DemoSeed.policy(now: Date(timeIntervalSince1970: 1_600_000_000)) }) { app in
            let seeded = try await DemoSeed.run(runtime: app.runtime, configuration: app.configuration)
            let token = try await app.accessToken(clientID: seeded.clientID, secret: seeded.clientSecret)
            let me = try await app.rest(.get, "/rest/v1.0/me", token: token, company: seeded.companyID)
            #expect(me.status == .ok)
            #expect(me.header("Deprecation") != nil, "the demo's traditional account is deprecated")
            let projects = try await app.rest(.get, "/rest/v1.0/companies/\(seeded.companyID)/projects", token: token, company: seeded.companyID)
            #expect(projects.jsonArray.compactMap { $0["name"] as? String }.sorted() == ["Harbor Bridge Retrofit", "Riverside Tower"])

            let appToken = try await app.accessToken(clientID: seeded.appClientID, secret: seeded.appClientSecret)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: appToken, company: seeded.companyID).status == .ok)

            let admin = try await app.signIn(seeded.adminEmail, password: seeded.adminPassword)
            #expect(try await app.page(admin, "/companies/\(seeded.companyID)/service_accounts").status == .ok)

            let actions = Set(try await app.admin(.get, "/audit?actor=operator:demo&per_page=100").jsonArray.compactMap { $0["action"] as? String })
            for action in ["company.create", "project.create", "user.create", "service_account.create"] {
                #expect(actions.contains(action), "\(action) by operator:demo; got \(actions.sorted())")
            }
            let developerActions = try await app.admin(.get, "/audit?per_page=100").jsonArray.filter { ($0["actor"] as? String)?.hasPrefix("person:") == true }
            #expect(Set(developerActions.compactMap { $0["action"] as? String }).isSuperset(of: ["app.create", "app.version.create"]))
        }
    }
}
