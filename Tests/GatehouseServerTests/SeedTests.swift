import Foundation
import GatehouseCore
import GatehouseServer
import Logging
import Testing

@Suite("Bulk seed")
struct SeedTests {
    @Test(arguments: StoreKind.enabled)
    func seededAccountsSpreadOverCompaniesAndGetTokens(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let seeded = try await seedServiceAccounts(count: 24, companies: 3, configuration: app.configuration, logger: Logger(label: "seed"))
            #expect(seeded.count == 24)
            #expect(Set(seeded.map(\.clientID)).count == 24)
            #expect(Set(seeded.map(\.companyID)).count == 3)
            for account in seeded.prefix(4) {
                #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok)
            }
            let audit = try await app.admin(.get, "/audit?action=service_account.create&per_page=100").jsonArray
            #expect(audit.count == 24, "seeding goes through the service, audit included")
        }
    }
}
