import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import HummingbirdBcrypt
import NIOPosix

/// `/admin/v1`: companies, projects, users and service accounts.
struct AdminController<Repository: GatehouseRepository>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    let hasher: SecretHasher
    let keys: KeyRing
    let configuration: GatehouseConfiguration

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("companies", use: createCompany)
        group.get("companies", use: listCompanies)
        group.get("companies/:cid", use: showCompany)
        group.post("companies/:cid/projects", use: createProject)
        group.get("companies/:cid/projects", use: listProjects)
        group.post("companies/:cid/users", use: createUser)
        group.post("companies/:cid/service_accounts", use: createServiceAccount)
        group.get("companies/:cid/service_accounts", use: listServiceAccounts)
        group.get("companies/:cid/service_accounts/:id", use: showServiceAccount)
        group.get("audit", use: audit)
        addPermissionRoutes(to: group)
        addCredentialRoutes(to: group)
    }

    func actor(_ context: AppRequestContext) -> String { context.adminActor ?? "unknown" }

    func company(_ context: AppRequestContext) async throws -> Company {
        try await repository.company(from: context)
    }

    // MARK: companies

    struct CompanyInput: Decodable { let name: String? }

    @Sendable func createCompany(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(CompanyInput.self, context: context)
        guard let name = cleaned(input.name) else { throw APIError.unprocessable("name is required", fields: ["name": "is required"]) }
        guard name.count <= 200 else { throw APIError.unprocessable("name is too long", fields: ["name": "at most 200 characters"]) }
        let company = try await repository.createCompany(name: name)
        await auditor.record("company.create", actor: actor(context), target: "company:\(company.id)", context: context)
        return try JSONResponse.make(CompanyBody(company), status: .created)
    }

    @Sendable func listCompanies(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await repository.companies().map(CompanyBody.init))
    }

    @Sendable func showCompany(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(CompanyBody(try await company(context)))
    }

    // MARK: projects

    struct ProjectInput: Decodable {
        let name: String?
        let display_name: String?
        let project_number: String?
        let active: Bool?
        let stage: String?
        let address: String?
        let city: String?
        let state_code: String?
        let country_code: String?
        let zip: String?
        let time_zone: String?
    }

    @Sendable func createProject(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let input = try await request.decodeJSON(ProjectInput.self, context: context)
        let project = try Self.validate(input, companyID: company.id, fieldPrefix: "")
        let created = try await repository.createProject(project)
        await auditor.record("project.create", actor: actor(context), target: "project:\(created.id)", context: context)
        return try JSONResponse.make(ProjectBody(created, company: company), status: .created)
    }

    /// Shared by the admin API and `POST /rest/v1.0/projects`, whose fields sit under `project.`.
    static func validate(_ input: ProjectInput, companyID: Int64, fieldPrefix: String) throws -> Project {
        var fields: [String: String] = [:]
        let name = cleaned(input.name)
        if name == nil { fields[fieldPrefix + "name"] = "is required" }
        if let name, name.count > 200 { fields[fieldPrefix + "name"] = "at most 200 characters" }
        if let code = cleaned(input.country_code), code.count != 2 { fields[fieldPrefix + "country_code"] = "must be an ISO 3166-1 alpha-2 code" }
        if let zone = cleaned(input.time_zone), TimeZone(identifier: zone) == nil { fields[fieldPrefix + "time_zone"] = "unknown time zone" }
        guard fields.isEmpty, let name else { throw APIError.unprocessable("invalid project", fields: fields) }
        return Project(
            companyID: companyID, name: name, displayName: cleaned(input.display_name), projectNumber: cleaned(input.project_number),
            active: input.active ?? true, stage: cleaned(input.stage), address: cleaned(input.address), city: cleaned(input.city),
            stateCode: cleaned(input.state_code), countryCode: cleaned(input.country_code)?.uppercased(), zip: cleaned(input.zip),
            timeZone: cleaned(input.time_zone)
        )
    }

    @Sendable func listProjects(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let page = try await repository.projects(companyID: company.id, limit: 1000, offset: 0)
        return try JSONResponse.make(page.items.map { ProjectBody($0, company: company) })
    }

    // MARK: users

    struct UserInput: Decodable {
        let first_name: String?
        let last_name: String?
        let email: String?
        let password: String?
        let job_title: String?
    }

    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let input = try await request.decodeJSON(UserInput.self, context: context)
        var fields: [String: String] = [:]
        let first = cleaned(input.first_name), last = cleaned(input.last_name) ?? ""
        let email = cleaned(input.email)?.lowercased()
        if first == nil { fields["first_name"] = "is required" }
        if let email {
            if !Self.isPlausibleEmail(email) { fields["email"] = "is not an email address" }
            if email.hasSuffix("@serviceaccounts.\(configuration.contactDomain)") { fields["email"] = "this domain is reserved for service accounts" }
        } else {
            fields["email"] = "is required"
        }
        if let password = input.password {
            if password.count < 8 { fields["password"] = "at least 8 characters" }
            if password.utf8.count > 72 { fields["password"] = "at most 72 bytes (bcrypt's limit)" }
        }
        guard fields.isEmpty, let first, let email else { throw APIError.unprocessable("invalid user", fields: fields) }
        var passwordHash: String?
        if let password = input.password {
            let cost = configuration.bcryptCost
            // bcrypt is deliberately slow; keep it off the event loops.
            passwordHash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        }
        let person = try await repository.createUser(NewUser(
            companyID: company.id, firstName: first, lastName: last, email: email, jobTitle: cleaned(input.job_title), passwordHash: passwordHash
        ))
        await auditor.record("user.create", actor: actor(context), target: "person:\(person.id)", context: context)
        return try JSONResponse.make(PersonBody(person), status: .created)
    }

    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(where: \.isWhitespace) && email.count <= 254
    }

    // MARK: service accounts

    struct ServiceAccountInput: Decodable {
        let name: String?
        let app_type: String?
        let app_id: Int64?
    }

    @Sendable func createServiceAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let company = try await company(context)
        let input = try await request.decodeJSON(ServiceAccountInput.self, context: context)
        var fields: [String: String] = [:]
        let name = cleaned(input.name)
        if name == nil { fields["name"] = "is required" }
        if let name, name.count > 100 { fields["name"] = "at most 100 characters" }
        let appType = ServiceAccount.AppType(rawValue: input.app_type ?? "custom")
        if appType == nil { fields["app_type"] = "must be custom or marketplace" }
        if appType == .marketplace, input.app_id == nil { fields["app_id"] = "is required for a marketplace account" }
        guard fields.isEmpty, let name, let appType else { throw APIError.unprocessable("invalid service account", fields: fields) }
        let policy = configuration.sunsetPolicy
        let phase = policy.phase(at: configuration.clock.now)
        if phase == .creationBlocked || phase == .sunset {
            await auditor.record("service_account.create", actor: actor(context), target: "company:\(company.id)", outcome: "refused", detail: "creation blocked (\(phase.rawValue))", context: context)
            throw APIError.unprocessable(
                "Creating traditional service accounts is blocked since \(ISO8601DateFormatter().string(from: policy.creationBlockedAt)). Create a developer managed service account (DMSA) app and install it instead; existing accounts can be moved with the migrate action.",
                fields: ["app_type": "traditional service accounts can no longer be created; use a DMSA app"]
            )
        }
        if appType == .marketplace, let appID = input.app_id, try await repository.app(id: appID) == nil {
            throw APIError.unprocessable("unknown app", fields: ["app_id": "no app with this id"])
        }

        let secret = ClientSecret.generate()
        let email = CredentialFactory.contactEmail(prefix: name, domain: configuration.contactDomain)
        let account = try await repository.createServiceAccount(NewServiceAccount(
            companyID: company.id, name: name, appType: appType, appID: input.app_id,
            clientID: CredentialFactory.clientID(), secretHash: hasher.hash(secret), contactEmail: email
        ), at: configuration.clock.now)
        await auditor.record("service_account.create", actor: actor(context), target: "service_account:\(account.id)", context: context)
        return try JSONResponse.make(ServiceAccountBody(account, contactEmail: email, secret: secret), status: .created)
    }

    @Sendable func listServiceAccounts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        var bodies: [ServiceAccountBody] = []
        for account in try await repository.serviceAccounts(companyID: company.id) {
            let email = try await repository.person(id: account.contactID)?.email ?? ""
            bodies.append(ServiceAccountBody(account, contactEmail: email))
        }
        return try JSONResponse.make(bodies)
    }

    @Sendable func showServiceAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        let company = try await company(context)
        let id = try context.parameters.id("id", resource: "service account")
        guard let account = try await repository.serviceAccount(id: id, companyID: company.id) else { throw APIError.notFound("service account") }
        let email = try await repository.person(id: account.contactID)?.email ?? ""
        return try JSONResponse.make(ServiceAccountBody(account, contactEmail: email))
    }

    // MARK: audit

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
        let offset = max(request.uri.queryParameters.get("offset", as: Int.self) ?? 0, 0)
        let formatter = ISO8601DateFormatter()
        let entries = try await repository.auditEntries(limit: limit, offset: offset).map {
            AuditEntryBody(id: $0.id, at: formatter.string(from: $0.at), actor: $0.actor, action: $0.action, target: $0.target,
                  outcome: $0.outcome, detail: $0.detail, remote_address: $0.remoteAddress, request_id: $0.requestID)
        }
        return try JSONResponse.make(entries)
    }
}
