import Foundation
import GatehouseCore

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
    ///
    /// Through the same services as the admin API and the console, so every demo record passes the same
    /// validation and leaves the same audit rows (under `operator:demo`, and the demo admin for their app).
    public static func run(runtime: GatehouseRuntime, configuration: GatehouseConfiguration) async throws -> Seeded {
        let services = Services(store: runtime.store, runtime: runtime, configuration: configuration)
        let seeder = Caller(.operator(name: "demo"))
        let directory = services.directory
        let company = try await directory.createCompany(name: "Demo Construction Co.", by: seeder)
        let tower = try await directory.createProject(
            project("Riverside Tower", number: "RT-001", stage: "Course of Construction", city: "Austin", state: "TX", zone: "America/Chicago"),
            in: company, by: seeder)
        _ = try await directory.createProject(
            project("Harbor Bridge Retrofit", number: "HB-002", stage: "Pre-Construction", city: "Portland", state: "OR", zone: "America/Los_Angeles"),
            in: company, by: seeder)
        let password = RandomToken.base64URL(byteCount: 12)
        let email = "admin+\(RandomToken.hex(byteCount: 3))@demo.gatehouse.local"
        let admin = try await directory.createUser(
            UserDraft(first_name: "Dana", last_name: "Admin", email: email, password: password, job_title: "Company Admin"), in: company, by: seeder)
        // A company admin (tool Admin at admin), so signing in lands on the company's Service Accounts page.
        _ = try await services.permissions.setCompanyLevels(["admin": "admin"], of: admin.id, in: company, by: seeder)

        // The DMSA app the traditional account can migrate to, owned by the demo admin as a developer.
        let developer = Caller(.user(personID: admin.id))
        let (app, appSecret) = try await services.apps.create(name: "Demo Field Sync", by: developer)
        let manifest: [String: Any] = [
            "schema_version": "4.1", "components": ["data_connector": ["service_account": true]],
            "permissions": ["company": ["directory": "readonly", "portfolio": "readonly"], "project": ["rfi": "standard", "directory": "readonly"]],
        ]
        let version = try await services.apps.createVersion(of: app.id, version: "1.0.0", manifest: manifest, by: developer)
        _ = try await services.apps.promote(version.id, of: app.id, by: developer)
        let installed = try await services.installations.install(versionKey: version.versionKey, in: company, by: developer)
        _ = try await services.installations.setPermittedProjects([tower.id], of: installed.installation.id, in: company, by: developer)

        let (account, secret) = try await services.serviceAccounts.create(
            ServiceAccountDraft(name: "Demo Integration", app_type: "marketplace", app_id: app.id), in: company, by: seeder)
        _ = try await services.permissions.setCompanyLevels(["portfolio": "readonly"], of: account.account.contactID, in: company, by: seeder)
        return Seeded(companyID: company.id, adminEmail: email, adminPassword: password, adminToken: configuration.adminToken,
                      clientID: account.account.client.clientID, clientSecret: secret.value,
                      appClientID: app.client.clientID, appClientSecret: appSecret.value)
    }

    private static func project(_ name: String, number: String, stage: String, city: String, state: String, zone: String) -> ProjectDraft {
        var draft = ProjectDraft(name: name)
        draft.project_number = number
        draft.stage = stage
        draft.city = city
        draft.state_code = state
        draft.country_code = "US"
        draft.time_zone = zone
        return draft
    }
}
