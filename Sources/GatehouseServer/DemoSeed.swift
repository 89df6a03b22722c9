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

        public func summary(configuration: GatehouseConfiguration) -> String {
            let base = configuration.resolvedIssuer
            return """

            Gatehouse demo is ready.
              company id:        \(companyID)
              admin user:        \(adminEmail) / \(adminPassword)
              admin API token:   \(adminToken ?? "(from GATEHOUSE_ADMIN_TOKEN)")
              service account:   client_id=\(clientID)
                                 client_secret=\(clientSecret)   (shown once)

            Get a token:
              curl -s -X POST \(base)/oauth/token -d grant_type=client_credentials -d client_id=\(clientID) -d client_secret=\(clientSecret)

            Then call the API:
              curl -s \(base)/rest/v1.0/me -H "Authorization: Bearer <access_token>" -H "Procore-Company-Id: \(companyID)"

            """
        }
    }

    /// Creates a fresh demo company on every run, so a restart never reuses a secret that was printed before.
    public static func run(runtime: GatehouseRuntime, configuration: GatehouseConfiguration) async throws -> Seeded {
        let store = runtime.store
        let company = try await store.createCompany(name: "Demo Construction Co.")
        _ = try await store.createProject(Project(companyID: company.id, name: "Riverside Tower", projectNumber: "RT-001", stage: "Course of Construction", city: "Austin", stateCode: "TX", countryCode: "US", timeZone: "America/Chicago"))
        _ = try await store.createProject(Project(companyID: company.id, name: "Harbor Bridge Retrofit", projectNumber: "HB-002", stage: "Pre-Construction", city: "Portland", stateCode: "OR", countryCode: "US", timeZone: "America/Los_Angeles"))
        let password = RandomToken.base64URL(byteCount: 12)
        let email = "admin+\(RandomToken.hex(byteCount: 3))@demo.\(configuration.contactDomain)"
        let cost = configuration.bcryptCost
        _ = try await store.createUser(NewUser(
            companyID: company.id, firstName: "Dana", lastName: "Admin", email: email, jobTitle: "Company Admin",
            passwordHash: Bcrypt.hash(password, cost: cost)
        ))
        let secret = ClientSecret.generate()
        let clientID = CredentialFactory.clientID()
        _ = try await store.createServiceAccount(NewServiceAccount(
            companyID: company.id, name: "Demo Integration", appType: .custom, appID: nil, clientID: clientID,
            secretHash: runtime.hasher.hash(secret),
            contactEmail: CredentialFactory.contactEmail(prefix: "Demo Integration", domain: configuration.contactDomain)
        ), at: configuration.clock.now)
        return Seeded(companyID: company.id, adminEmail: email, adminPassword: password, adminToken: configuration.adminToken, clientID: clientID, clientSecret: secret.value)
    }
}

/// `gatehouse migrate`: opens the store, applies migrations, closes it.
public func runMigrations(configuration: GatehouseConfiguration, logger: Logger) async throws -> [Int] {
    let database = try Database.open(url: configuration.resolvedDatabaseURL, logger: logger)
    do {
        let applied = try await MigrationRunner().run(on: database, logger: logger)
        await database.shutdown()
        return applied
    } catch {
        await database.shutdown()
        throw error
    }
}
