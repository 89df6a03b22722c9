import Foundation
import GatehouseCore

/// A project in Procore's REST shape, shared by the REST and admin surfaces.
struct ProjectBody: Encodable {
    struct CompanyRef: Encodable {
        let id: Int64
        let name: String
    }
    let id: Int64
    let name: String
    let display_name: String
    let project_number: String?
    let active: Bool
    let stage: String?
    let address: String?
    let city: String?
    let state_code: String?
    let country_code: String?
    let zip: String?
    let time_zone: String?
    let created_at: String
    let updated_at: String
    let company: CompanyRef

    init(_ p: Project, company: Company) {
        let f = ISO8601DateFormatter()
        id = p.id; name = p.name; display_name = p.displayName; project_number = p.projectNumber; active = p.active
        stage = p.stage; address = p.address; city = p.city; state_code = p.stateCode; country_code = p.countryCode
        zip = p.zip; time_zone = p.timeZone; created_at = f.string(from: p.createdAt); updated_at = f.string(from: p.updatedAt)
        self.company = CompanyRef(id: company.id, name: company.name)
    }
}
