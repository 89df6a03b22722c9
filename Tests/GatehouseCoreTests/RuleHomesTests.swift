import Foundation
import GatehouseCore
import Testing

/// Rules that used to live in the doors (console pages, middleware), each now in Core, tested here at its home.
@Suite("One home per rule")
struct RuleHomesTests {
    @Test func administeringACompanyNeedsTheDirectoryAndTheAdminTool() {
        let admin = ToolLevels(trusted: ["admin": .admin])
        let standard = ToolLevels(trusted: ["admin": .standard])
        #expect(Access(companyID: 1, isInDirectory: true, companyLevels: admin, projectLevels: [:]).administersCompany)
        #expect(!Access(companyID: 1, isInDirectory: false, companyLevels: admin, projectLevels: [:]).administersCompany,
                "levels left behind after leaving the directory grant nothing")
        #expect(!Access(companyID: 1, isInDirectory: true, companyLevels: standard, projectLevels: [:]).administersCompany)
    }

    @Test func aSecretIsRetirableOnlyWhileAnotherActiveOneStays() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let current = StoredSecret(id: 1, hash: "a", createdAt: now, expiresAt: nil)
        let previous = StoredSecret(id: 2, hash: "b", createdAt: now, expiresAt: now.addingTimeInterval(60))
        let expired = StoredSecret(id: 3, hash: "c", createdAt: now, expiresAt: now.addingTimeInterval(-1))
        #expect(StoredSecret.retirable([current], at: now).isEmpty, "the only secret never")
        #expect(StoredSecret.retirable([current, previous], at: now) == [1, 2])
        #expect(StoredSecret.retirable([current, expired], at: now).isEmpty, "an expired secret is no second one")
    }

    @Test func auditTargetsHaveOneSpelling() {
        #expect(AuditTarget.serviceAccount(7) == "service_account:7")
        #expect(AuditTarget.installation(company: 3, id: 9) == "company:3/installation:9")
        #expect(AuditTarget.client("abc") == "abc")
    }

    @Test func theMarketplaceOffersPromotedAppsThatAreListedOrAnOperators() {
        let client = OAuthClient(id: 1, clientID: "c", kind: .app, generation: 1, isEnabled: true)
        let manifest = Manifest(schemaVersion: "4.1", isServiceAccount: true, companyLevels: ToolLevels(), projectLevels: ToolLevels())
        let promoted = [AppVersion(id: 1, appID: 1, version: "1.0.0", versionKey: "k", manifest: manifest, status: .promoted, createdAt: Date())]
        var developers = App(id: 1, name: "Sync", client: client, createdAt: Date(), ownerID: 7)
        #expect(!MarketplaceListing.isOffered(developers, versions: promoted), "a developer's unlisted app is private")
        developers.isListed = true
        #expect(MarketplaceListing.isOffered(developers, versions: promoted))
        #expect(!MarketplaceListing.isOffered(developers, versions: []), "nothing promoted")
        #expect(MarketplaceListing.isOffered(App(id: 2, name: "Ops", client: client, createdAt: Date()), versions: promoted))
    }
}
