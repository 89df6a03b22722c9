import Foundation
import GatehouseCore
import Testing

/// The rules that used to live in controllers, checked where they live now.
@Suite("Domain rules")
struct DomainRulesTests {
    @Test func projectsNeedANameAndKnownCodes() throws {
        var draft = ProjectDraft(name: "  ")
        draft.country_code = "USA"
        draft.time_zone = "Mars/Olympus"
        do {
            _ = try draft.validated(companyID: 1, fieldPrefix: "project.", now: Date())
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.fields.keys) == ["project.name", "project.country_code", "project.time_zone"])
        }
        var good = ProjectDraft(name: " Tower ")
        good.country_code = "us"
        let project = try good.validated(companyID: 7, now: Date())
        #expect(project.name == "Tower" && project.countryCode == "US" && project.companyID == 7)
    }

    @Test func usersNeedAPlausibleEmailOutsideTheContactDomainAndABcryptSizedPassword() {
        do {
            _ = try UserDraft(first_name: "Pat", email: "svc-x@serviceaccounts.example.com", password: "short").validated(contactDomain: "serviceaccounts.example.com")
            Issue.record("expected a validation error")
        } catch {
            #expect(error.fields["email"] == "this domain is reserved for service accounts")
            #expect(error.fields["password"] == "at least 8 characters")
        }
        #expect(PersonRules.passwordProblem(String(repeating: "é", count: 40)) != nil, "80 bytes is past bcrypt's 72")
        #expect((try? UserDraft(first_name: "Pat", email: "PAT@Example.com").validated(contactDomain: "serviceaccounts.example.com"))?.person.email == "pat@example.com")
    }

    @Test func aContactsEmailAndPasswordNeverChangeAndItNeverJoinsAnotherDirectory() {
        let contact = Person(id: 5, kind: .serviceAccountContact, firstName: "Svc", lastName: "", email: "svc-a@serviceaccounts.x.io", homeCompanyID: 1)
        #expect(throws: ValidationError.self) { try contact.applying(PersonPatch(email: "new@x.io"), contactDomain: "serviceaccounts.x.io") }
        #expect(throws: ValidationError.self) { try contact.applying(PersonPatch(password: "longenough"), contactDomain: "serviceaccounts.x.io") }
        #expect((try? contact.applying(PersonPatch(first_name: "Renamed"), contactDomain: "serviceaccounts.x.io"))?.person.firstName == "Renamed")
        #expect(contact.directoryRefusal(joining: 1) == nil)
        #expect(contact.directoryRefusal(joining: 2)?.code == .conflict)
        let user = Person(id: 6, kind: .user, firstName: "Pat", lastName: "", email: "pat@x.io")
        #expect(user.directoryRefusal(joining: 2) == nil)
        #expect((try? user.applying(PersonPatch(email: "pat2@x.io"), contactDomain: "serviceaccounts.x.io"))?.person.email == "pat2@x.io")
    }

    @Test func aCompanyAdminHoldsAdminEverywhereAndSeesEveryProject() throws {
        let admin = Access(companyID: 1, isInDirectory: true, companyLevels: try ToolLevels(parsing: ["admin": "admin"], scope: .company), projectLevels: [:])
        #expect(admin.effectiveLevel(.rfi, inProject: 9) == .admin)
        #expect(admin.seesAllProjects)
        let member = Access(companyID: 1, isInDirectory: true, companyLevels: ToolLevels(), projectLevels: [9: try ToolLevels(parsing: ["rfi": "standard"], scope: .project)])
        #expect(member.effectiveLevel(.rfi, inProject: 9) == .standard)
        #expect(member.effectiveLevel(.rfi, inProject: 8) == PermissionLevel.none)
        #expect(!member.seesAllProjects)
    }

    @Test func rfiActionsMapToTheProjectsOwnLevel() {
        #expect(RFIPolicy.requirement(for: .read) == .project(.rfi, .readonly, orCompany: false))
        #expect(RFIPolicy.requirement(for: .create) == .project(.rfi, .standard, orCompany: false))
        #expect(RFIPolicy.requirement(for: .delete) == .project(.rfi, .admin, orCompany: false))
        var draft = RFIDraft()
        draft.subject = String(repeating: "s", count: 256)
        #expect(throws: ValidationError.self) { try draft.validatedForCreate() }
    }

    @Test func migrationAdviceFollowsTheAccountAndItsApp() {
        let client = OAuthClient(id: 1, clientID: "c", kind: .serviceAccount, generation: 1, isEnabled: true)
        let custom = ServiceAccount(id: 3, companyID: 1, name: "n", appType: .custom, appID: nil, contactID: 4, client: client, createdAt: Date())
        var marketplace = custom
        marketplace.appType = .marketplace
        marketplace.appID = 2
        #expect(MigrationAdvice.recommendation(for: custom, hasDMSA: false).hasPrefix("create a DMSA app"))
        #expect(MigrationAdvice.recommendation(for: marketplace, hasDMSA: true).hasPrefix("migrate"))
        #expect(MigrationAdvice.migrationRefusal(for: custom, appName: nil, dmsaVersion: nil)?.fields["app_type"] != nil)
        #expect(MigrationAdvice.migrationRefusal(for: marketplace, appName: "Sync", dmsaVersion: nil)?.message.contains("no DMSA version") == true)
    }
}

extension DomainRulesTests {
    @Test func aDevelopersAppReachesTheMarketplaceOnlyWhenPromotedAndListed() {
        let client = OAuthClient(id: 1, clientID: "c", kind: .app, generation: 1, isEnabled: true)
        let manifest = Manifest(schemaVersion: "4.1", isServiceAccount: true, companyLevels: ToolLevels(), projectLevels: ToolLevels())
        let promoted = [AppVersion(id: 1, appID: 1, version: "1.0.0", versionKey: "k", manifest: manifest, status: .promoted, createdAt: Date())]
        var app = App(id: 1, name: "Sync", client: client, createdAt: Date(), ownerID: 7)
        #expect(MarketplaceListing.entry(app: app, versions: promoted, linkedToTraditional: false, phase: .active) == nil, "not listed yet")
        app.isListed = true
        #expect(MarketplaceListing.entry(app: app, versions: promoted, linkedToTraditional: false, phase: .active)?.isListed == true)
        #expect(MarketplaceListing.entry(app: app, versions: [], linkedToTraditional: false, phase: .active) == nil, "nothing promoted")
        let operatorApp = App(id: 2, name: "Ops", client: client, createdAt: Date())
        #expect(MarketplaceListing.entry(app: operatorApp, versions: promoted, linkedToTraditional: false, phase: .active) != nil)
    }
}

@Suite("ISO 8601 dates")
struct ISO8601Tests {
    @Test func matchesFoundationsFormatterAcrossTheCalendar() {
        let formatter = ISO8601DateFormatter()
        var seconds: Int64 = -2_208_988_800   // 1900-01-01
        while seconds < 4_102_444_800 {       // 2100-01-01
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(date.iso8601 == formatter.string(from: date))
            seconds += 7_654_321 + seconds % 97   // uneven steps through leap years, month ends and midnights
        }
        for exact in ["2000-02-29T00:00:00Z", "2024-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2100-03-01T12:34:56Z"] {
            #expect(formatter.date(from: exact)!.iso8601 == exact)
        }
    }
}
