import Foundation
import GatehouseCore

/// The admin API's JSON shapes. Kept apart from the domain types so the wire format is explicit.
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
        created_at = ISO8601DateFormatter().string(from: a.createdAt)
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
