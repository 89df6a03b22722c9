import GatehouseCore
import Testing

@Suite("SemanticVersion")
struct SemanticVersionTests {
    /// Semver §11's own example chain, plus the case that string comparison gets wrong (`alpha.10`).
    @Test func ordersAsSemverSpecifies() throws {
        let chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.2", "1.0.0-alpha.10", "1.0.0-alpha.beta", "1.0.0-beta",
                     "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"]
        let versions = try chain.map { try #require(SemanticVersion($0)) }
        for (a, b) in zip(versions, versions.dropFirst()) {
            #expect(a < b, "\(a) < \(b)")
            #expect(!(b < a), "not \(b) < \(a)")
        }
        #expect(versions.shuffled().sorted().map(\.description) == chain)
    }

    @Test(arguments: ["1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0-alpha..1", "1.0.0-01", "a.b.c", "1.0.0-al pha", "-1.0.0"])
    func refusesWhatIsNotSemver(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test func upgradesMustBeNewerAndOfTheSameApp() {
        let manifest = Manifest(schemaVersion: "4.1", isServiceAccount: true, companyLevels: ToolLevels(), projectLevels: ToolLevels())
        func version(_ v: String, app: Int64 = 1) -> AppVersion {
            AppVersion(id: 0, appID: app, version: v, versionKey: "k", manifest: manifest, status: .promoted, createdAt: .init(timeIntervalSince1970: 0))
        }
        #expect(version("1.0.0").upgradeRefusal(to: version("1.1.0")) == nil)
        #expect(version("1.0.0-alpha.2").upgradeRefusal(to: version("1.0.0-alpha.10")) == nil)
        #expect(version("1.1.0").upgradeRefusal(to: version("1.0.0"))?.fields["version_key"] == "is not newer than the installed version")
        #expect(version("1.0.0").upgradeRefusal(to: version("1.0.0")) != nil)
        #expect(version("1.0.0").upgradeRefusal(to: version("2.0.0", app: 2))?.fields["version_key"] == "belongs to another app")
    }

    @Test func theLatestDMSAVersionPrefersPromotedThenNewest() {
        func version(_ v: String, _ status: AppVersion.Status, dmsa: Bool = true) -> AppVersion {
            let manifest = Manifest(schemaVersion: "4.1", isServiceAccount: dmsa, companyLevels: ToolLevels(), projectLevels: ToolLevels())
            return AppVersion(id: 0, appID: 1, version: v, versionKey: v, manifest: manifest, status: status, createdAt: .init(timeIntervalSince1970: 0))
        }
        #expect([version("1.0.0", .promoted), version("2.0.0", .readyForTesting)].latestDMSA?.version == "1.0.0")
        #expect([version("1.0.0", .promoted), version("1.0.10", .promoted), version("1.0.9", .promoted)].latestDMSA?.version == "1.0.10")
        #expect([version("3.0.0", .promoted, dmsa: false), version("1.0.0", .readyForTesting)].latestDMSA?.version == "1.0.0")
        #expect([version("3.0.0", .promoted, dmsa: false)].latestDMSA == nil)
    }
}
