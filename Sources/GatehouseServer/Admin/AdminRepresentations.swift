import Foundation
import GatehouseCore
import GatehouseStore

/// The admin API's JSON shapes. Kept apart from the domain types so the wire format is explicit.
/// A company on every door: the admin API and Procore's `/rest/v1.0/companies` share one shape.
struct CompanyBody: Encodable {
    let id: Int64
    let name: String
    let is_active: Bool
    init(_ c: Company) { id = c.id; name = c.name; is_active = c.isActive }
}

struct PersonBody: Encodable {
    let id: Int64
    let kind: String
    let first_name: String
    let last_name: String
    let name: String
    let email: String
    let job_title: String?
    let is_active: Bool
    init(_ p: Person) {
        id = p.id; kind = p.kind.rawValue; first_name = p.firstName; last_name = p.lastName; name = p.name
        email = p.email; job_title = p.jobTitle; is_active = p.isActive
    }
}

struct ServiceAccountBody: Encodable {
    struct Contact: Encodable {
        let id: Int64
        let email: String
    }
    let id: Int64
    let company_id: Int64
    let name: String
    let kind: String
    let app_type: String
    let app_id: Int64?
    let client_id: String
    /// Present only in the answer that created or reset the secret.
    let client_secret: String?
    let status: String
    let contact: Contact
    let created_at: String

    init(_ a: ServiceAccount, contactEmail: String, secret: ClientSecret? = nil) {
        id = a.id; company_id = a.companyID; name = a.name; kind = "traditional"; app_type = a.appType.rawValue
        app_id = a.appID; client_id = a.client.clientID; client_secret = secret?.value
        status = a.client.isEnabled ? "active" : "disabled"
        contact = Contact(id: a.contactID, email: contactEmail)
        created_at = a.createdAt.iso8601
    }
}

struct AuditEntryBody: Encodable {
    let id: Int64
    let at: String
    let actor: String
    let action: String
    let target: String?
    let outcome: String
    let detail: String?
    let remote_address: String?
    let request_id: String?
}

extension ServiceAccountBody {
    init(_ view: ServiceAccountView, secret: ClientSecret? = nil) {
        self.init(view.account, contactEmail: view.contactEmail, secret: secret)
    }
}

extension AuditEntryBody {
    init(_ e: AuditEntry) {
        self.init(id: e.id, at: e.at.iso8601, actor: e.actor, action: e.action, target: e.target,
                  outcome: e.outcome, detail: e.detail, remote_address: e.remoteAddress, request_id: e.requestID)
    }
}

struct SecretBody: Encodable {
    let id: Int64
    let created_at: String
    let expires_at: String?
    init(_ s: StoredSecret) {
        id = s.id; created_at = s.createdAt.iso8601; expires_at = s.expiresAt.map(\.iso8601)
    }
}

/// A service account answer plus the new secret's id (and, after a rotation, every active secret).
struct SecretAnswer: Encodable {
    let account: ServiceAccountBody
    let secret_id: Int64
    let secrets: [SecretBody]?

    func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        enum Keys: String, CodingKey { case secret_id, secrets }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(secret_id, forKey: .secret_id)
        try container.encodeIfPresent(secrets, forKey: .secrets)
    }
}

struct AdminTemplateBody: Encodable {
    let id: Int64
    let company_id: Int64
    let name: String
    let project_id: Int64?
    let tools: [String: String]
    init(_ t: PermissionTemplate) {
        id = t.id; company_id = t.companyID; name = t.name; project_id = t.projectID
        tools = Dictionary(uniqueKeysWithValues: t.levels.levels.map { ($0.key, $0.value.rawValue) })
    }
}

struct AppBody: Encodable {
    let id: Int64
    let name: String
    let client_id: String
    let client_secret: String?
    let owner_id: Int64?
    init(_ app: App, secret: ClientSecret? = nil) {
        id = app.id; name = app.name; client_id = app.client.clientID; client_secret = secret?.value; owner_id = app.ownerID
    }
}

/// An app answer plus the new secret's id and every active secret, after a rotation.
struct AppSecretAnswer: Encodable {
    let app: AppBody
    let secret_id: Int64
    let secrets: [SecretBody]

    func encode(to encoder: any Encoder) throws {
        try app.encode(to: encoder)
        enum Keys: String, CodingKey { case secret_id, secrets }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(secret_id, forKey: .secret_id)
        try container.encode(secrets, forKey: .secrets)
    }
}

struct VersionBody: Encodable {
    let id: Int64
    let app_id: Int64
    let version: String
    let version_key: String
    let status: String
    let dmsa: Bool
    let manifest: AnyJSON?
    init(_ v: AppVersion) {
        id = v.id; app_id = v.appID; version = v.version; version_key = v.versionKey; status = v.status.rawValue; dmsa = v.isDMSA
        manifest = (try? JSONSerialization.jsonObject(with: Data(v.manifest.json.utf8))).map(AnyJSON.init)
    }
}

struct InstallationBody: Encodable {
    struct AppRef: Encodable {
        let id: Int64
        let name: String
    }
    struct Contact: Encodable {
        let id: Int64
        let email: String
    }
    let id: Int64
    let company_id: Int64
    let app: AppRef
    let version: String
    let status: String
    let contact: Contact
    let latest_version: String?
    let update_available: Bool
    let add_to_new_projects: Bool
    init(_ v: InstallationView) {
        let i = v.installation
        id = i.id; company_id = i.companyID; app = AppRef(id: i.appID, name: v.appName); version = v.version
        status = i.isActive ? "installed" : "uninstalled"; contact = Contact(id: i.contactID, email: v.contactEmail)
        latest_version = v.latestVersion; update_available = v.updateAvailable; add_to_new_projects = v.addToNewProjects
    }

    /// Every key, `null` included.
    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case id, company_id, app, version, status, contact, latest_version, update_available, add_to_new_projects }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company_id, forKey: .company_id)
        try c.encode(app, forKey: .app)
        try c.encode(version, forKey: .version)
        try c.encode(status, forKey: .status)
        try c.encode(contact, forKey: .contact)
        try c.encode(latest_version, forKey: .latest_version)
        try c.encode(update_available, forKey: .update_available)
        try c.encode(add_to_new_projects, forKey: .add_to_new_projects)
    }
}

struct MarketplaceEntry: Encodable {
    let id: Int64
    let name: String
    let has_dmsa_version: Bool
    let listed: Bool
    let status: String
    init(_ l: MarketplaceListing) {
        id = l.appID; name = l.name; has_dmsa_version = l.hasDMSAVersion; listed = l.isListed; status = l.status
    }
}

struct MigrationRow: Encodable {
    struct Account: Encodable {
        let id: Int64
        let name: String
        let app_type: String
        let status: String
    }
    struct AppRef: Encodable {
        let id: Int64
        let name: String
    }
    let service_account: Account
    let app: AppRef?
    let has_dmsa_version: Bool
    let dmsa_version: String?
    let permissions: [String: String]
    let project_ids: [Int64]
    let recommended_action: String

    init(_ r: MigrationReportRow) {
        let a = r.account
        service_account = Account(id: a.id, name: a.name, app_type: a.appType.rawValue, status: a.client.isEnabled ? "active" : "disabled")
        app = r.app.map { AppRef(id: $0.id, name: $0.name) }
        has_dmsa_version = r.dmsaVersion != nil
        dmsa_version = r.dmsaVersion?.version
        permissions = r.levels.levels.filter { $0.value != .none }.mapValues(\.rawValue)
        project_ids = r.projectIDs
        recommended_action = r.recommendation
    }
}

struct MigrationReport: Encodable {
    let company_id: Int64
    let phase: String
    let sunset_at: String
    let accounts: [MigrationRow]
}

extension PersonBody {
    private enum AllKeys: String, CodingKey { case id, kind, first_name, last_name, name, email, job_title, is_active }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(first_name, forKey: .first_name)
        try c.encode(last_name, forKey: .last_name)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(job_title, forKey: .job_title)
        try c.encode(is_active, forKey: .is_active)
    }
}

extension ServiceAccountBody {
    private enum AllKeys: String, CodingKey { case id, company_id, name, kind, app_type, app_id, client_id, client_secret, status, contact, created_at }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company_id, forKey: .company_id)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(app_type, forKey: .app_type)
        try c.encode(app_id, forKey: .app_id)
        try c.encode(client_id, forKey: .client_id)
        try c.encode(client_secret, forKey: .client_secret)
        try c.encode(status, forKey: .status)
        try c.encode(contact, forKey: .contact)
        try c.encode(created_at, forKey: .created_at)
    }
}

extension AuditEntryBody {
    private enum AllKeys: String, CodingKey { case id, at, actor, action, target, outcome, detail, remote_address, request_id }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(at, forKey: .at)
        try c.encode(actor, forKey: .actor)
        try c.encode(action, forKey: .action)
        try c.encode(target, forKey: .target)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(detail, forKey: .detail)
        try c.encode(remote_address, forKey: .remote_address)
        try c.encode(request_id, forKey: .request_id)
    }
}

extension SecretBody {
    private enum AllKeys: String, CodingKey { case id, created_at, expires_at }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(expires_at, forKey: .expires_at)
    }
}

extension AdminTemplateBody {
    private enum AllKeys: String, CodingKey { case id, company_id, name, project_id, tools }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company_id, forKey: .company_id)
        try c.encode(name, forKey: .name)
        try c.encode(project_id, forKey: .project_id)
        try c.encode(tools, forKey: .tools)
    }
}

extension AppBody {
    private enum AllKeys: String, CodingKey { case id, name, client_id, client_secret, owner_id }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(client_id, forKey: .client_id)
        try c.encode(client_secret, forKey: .client_secret)
        try c.encode(owner_id, forKey: .owner_id)
    }
}

extension VersionBody {
    private enum AllKeys: String, CodingKey { case id, app_id, version, version_key, status, dmsa, manifest }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(app_id, forKey: .app_id)
        try c.encode(version, forKey: .version)
        try c.encode(version_key, forKey: .version_key)
        try c.encode(status, forKey: .status)
        try c.encode(dmsa, forKey: .dmsa)
        try c.encode(manifest, forKey: .manifest)
    }
}

extension MigrationRow {
    private enum AllKeys: String, CodingKey { case service_account, app, has_dmsa_version, dmsa_version, permissions, project_ids, recommended_action }

    /// Every key, `null` included: clients generated from the OpenAPI document expect each field present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AllKeys.self)
        try c.encode(service_account, forKey: .service_account)
        try c.encode(app, forKey: .app)
        try c.encode(has_dmsa_version, forKey: .has_dmsa_version)
        try c.encode(dmsa_version, forKey: .dmsa_version)
        try c.encode(permissions, forKey: .permissions)
        try c.encode(project_ids, forKey: .project_ids)
        try c.encode(recommended_action, forKey: .recommended_action)
    }
}
