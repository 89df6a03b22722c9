import Foundation
import GatehouseCore
import GatehouseStore
import HummingbirdBcrypt
import Logging

/// Seeds a demo company so a new user can get a token in one command.
public enum DemoSeed {
    public struct Seeded: Sendable {
        public let companyID: Int64
        public let adminEmail: String
        public let adminPassword: String
        public let adminToken: String?
        public let clientID: String
        public let clientSecret: String
        public let appClientID: String
        public let appClientSecret: String

        public func summary(configuration: GatehouseConfiguration) -> String {
            let base = configuration.resolvedIssuer
            return """

            Gatehouse demo is ready.
              company id:        \(companyID)
              console sign-in:   \(base)/login
              admin user:        \(adminEmail) / \(adminPassword)   (a company admin of the demo company)
              admin API token:   \(adminToken ?? "(from GATEHOUSE_ADMIN_TOKEN)")
              service account:   client_id=\(clientID)
                                 client_secret=\(clientSecret)   (shown once)

            Get a token:
              curl -s -X POST \(base)/oauth/token -d grant_type=client_credentials -d client_id=\(clientID) -d client_secret=\(clientSecret)

            Then call the API:
              curl -s \(base)/rest/v1.0/me -H "Authorization: Bearer <access_token>" -H "Procore-Company-Id: \(companyID)"

              DMSA app "Demo Field Sync" (installed in the demo company, permitted on Riverside Tower):
                                 client_id=\(appClientID)
                                 client_secret=\(appClientSecret)   (shown once)
              curl -s -X POST \(base)/oauth/token -d grant_type=client_credentials -d client_id=\(appClientID) -d client_secret=\(appClientSecret)

            The traditional account is deprecated in this demo (sunset in 30 days): its responses carry Deprecation and
            Sunset headers, and GET /admin/v1/companies/\(companyID)/migration shows how to move it to the DMSA app.

            """
        }
    }

    /// Dates relative to now, so a new user sees the deprecation warnings and can try the migration:
    /// deprecated since yesterday, creation blocked in 15 days, sunset in 30.
    public static func policy(now: Date) -> SunsetPolicy {
        try! SunsetPolicy(deprecatedAt: now.addingTimeInterval(-86_400), creationBlockedAt: now.addingTimeInterval(15 * 86_400), sunsetAt: now.addingTimeInterval(30 * 86_400))
    }

    /// Creates a fresh demo company on every run, so a restart never reuses a secret that was printed before.
    public static func run(runtime: GatehouseRuntime, configuration: GatehouseConfiguration) async throws -> Seeded {
        let store = runtime.store
        let company = try await store.createCompany(name: "Demo Construction Co.")
        let tower = try await store.createProject(Project(companyID: company.id, name: "Riverside Tower", projectNumber: "RT-001", stage: "Course of Construction", city: "Austin", stateCode: "TX", countryCode: "US", timeZone: "America/Chicago"))
        _ = try await store.createProject(Project(companyID: company.id, name: "Harbor Bridge Retrofit", projectNumber: "HB-002", stage: "Pre-Construction", city: "Portland", stateCode: "OR", countryCode: "US", timeZone: "America/Los_Angeles"))
        let password = RandomToken.base64URL(byteCount: 12)
        let email = "admin+\(RandomToken.hex(byteCount: 3))@demo.gatehouse.local"
        let cost = configuration.bcryptCost
        let admin = try await store.createUser(NewUser(
            companyID: company.id, firstName: "Dana", lastName: "Admin", email: email, jobTitle: "Company Admin",
            passwordHash: Bcrypt.hash(password, cost: cost)
        ))
        // A company admin (tool Admin at admin), so signing in lands on the company's Service Accounts page.
        try await store.setCompanyLevels(companyID: company.id, personID: admin.id, levels: ToolLevels(trusted: ["admin": .admin]))
        let now = configuration.clock.now
        // The DMSA app the traditional account can migrate to.
        let appSecret = ClientSecret.generate()
        let app = try await store.createApp(name: "Demo Field Sync", clientID: CredentialFactory.clientID(), secretHash: runtime.hasher.hash(appSecret), ownerID: admin.id, at: now)
        let manifest = Manifest(
            schemaVersion: "4.1", isServiceAccount: true,
            companyLevels: ToolLevels(trusted: ["directory": .readonly, "portfolio": .readonly]),
            projectLevels: ToolLevels(trusted: ["rfi": .standard, "directory": .readonly])
        )
        let version = try await store.createVersion(appID: app.id, version: "1.0.0", versionKey: RandomToken.hex(byteCount: 20), manifest: manifest, at: now)
        try await store.promoteVersion(id: version.id, appID: app.id)
        let installation = try await store.install(
            version: version, companyID: company.id,
            contactEmail: CredentialFactory.contactEmail(prefix: app.name, domain: configuration.resolvedContactEmailDomain), contactName: "Demo Field Sync \(RandomToken.hex(byteCount: 3))", retention: configuration.reinstallRetention, at: now
        )
        try await store.setPermittedProjects(installationID: installation.id, projectIDs: [tower.id], levels: manifest.projectLevels)

        let secret = ClientSecret.generate()
        let clientID = CredentialFactory.clientID()
        let account = try await store.createServiceAccount(NewServiceAccount(
            companyID: company.id, name: "Demo Integration", appType: .marketplace, appID: app.id, clientID: clientID,
            secretHash: runtime.hasher.hash(secret),
            contactEmail: CredentialFactory.contactEmail(prefix: "Demo Integration", domain: configuration.resolvedContactEmailDomain)
        ), at: now)
        try await store.setCompanyLevels(companyID: company.id, personID: account.contactID, levels: ToolLevels(trusted: ["portfolio": .readonly]))
        return Seeded(companyID: company.id, adminEmail: email, adminPassword: password, adminToken: configuration.adminToken, clientID: clientID, clientSecret: secret.value,
                      appClientID: app.client.clientID, appClientSecret: appSecret.value)
    }
}
