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
    @Nullable var job_title: String?
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
    @Nullable var app_id: Int64?
    let client_id: String
    /// Present only in the answer that created or reset the secret.
    @Nullable var client_secret: String?
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
    @Nullable var target: String?
    let outcome: String
    @Nullable var detail: String?
    @Nullable var remote_address: String?
    @Nullable var request_id: String?
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
    @Nullable var expires_at: String?
    init(_ s: StoredSecret) {
        id = s.id; created_at = s.createdAt.iso8601; expires_at = s.expiresAt.map(\.iso8601)
    }
}

/// An answer that hands out a secret: the account's or app's own body, plus the new secret's id and, after a
/// rotation, every active secret, flattened into one object as the admin API documents it.
struct SecretAnswer<Body: Encodable>: Encodable {
    let body: Body
    let secret_id: Int64
    let secrets: [SecretBody]?

    private enum Keys: String, CodingKey { case secret_id, secrets }

    func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(secret_id, forKey: .secret_id)
        try container.encodeIfPresent(secrets, forKey: .secrets)
    }
}

struct AdminTemplateBody: Encodable {
    let id: Int64
    let company_id: Int64
    let name: String
    @Nullable var project_id: Int64?
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
    @Nullable var client_secret: String?
    @Nullable var owner_id: Int64?
    init(_ app: App, secret: ClientSecret? = nil) {
        id = app.id; name = app.name; client_id = app.client.clientID; client_secret = secret?.value; owner_id = app.ownerID
    }
}

struct VersionBody: Encodable {
    let id: Int64
    let app_id: Int64
    let version: String
    let version_key: String
    let status: String
    let dmsa: Bool
    @Nullable var manifest: AnyJSON?
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
    @Nullable var latest_version: String?
    let update_available: Bool
    let add_to_new_projects: Bool
    init(_ v: InstallationView) {
        let i = v.installation
        id = i.id; company_id = i.companyID; app = AppRef(id: i.appID, name: v.appName); version = v.version
        status = i.isActive ? "installed" : "uninstalled"; contact = Contact(id: i.contactID, email: v.contactEmail)
        latest_version = v.latestVersion; update_available = v.updateAvailable; add_to_new_projects = v.addToNewProjects
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
    @Nullable var app: AppRef?
    let has_dmsa_version: Bool
    @Nullable var dmsa_version: String?
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

