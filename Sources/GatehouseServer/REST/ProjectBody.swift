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
        id = p.id; name = p.name; display_name = p.displayName; project_number = p.projectNumber; active = p.active
        stage = p.stage; address = p.address; city = p.city; state_code = p.stateCode; country_code = p.countryCode
        zip = p.zip; time_zone = p.timeZone; created_at = p.createdAt.iso8601; updated_at = p.updatedAt.iso8601
        self.company = CompanyRef(id: company.id, name: company.name)
    }

    /// Procore sends every key, `null` included; clients index into these bodies, so a missing key would break them.
    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey {
            case id, name, display_name, project_number, active, stage, address, city, state_code, country_code, zip, time_zone
            case created_at, updated_at, company
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(display_name, forKey: .display_name)
        try c.encode(project_number, forKey: .project_number)
        try c.encode(active, forKey: .active)
        try c.encode(stage, forKey: .stage)
        try c.encode(address, forKey: .address)
        try c.encode(city, forKey: .city)
        try c.encode(state_code, forKey: .state_code)
        try c.encode(country_code, forKey: .country_code)
        try c.encode(zip, forKey: .zip)
        try c.encode(time_zone, forKey: .time_zone)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(updated_at, forKey: .updated_at)
        try c.encode(company, forKey: .company)
    }
}
