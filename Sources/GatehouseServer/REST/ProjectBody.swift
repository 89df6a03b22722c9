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
    @Nullable var project_number: String?
    let active: Bool
    @Nullable var stage: String?
    @Nullable var address: String?
    @Nullable var city: String?
    @Nullable var state_code: String?
    @Nullable var country_code: String?
    @Nullable var zip: String?
    @Nullable var time_zone: String?
    let created_at: String
    let updated_at: String
    let company: CompanyRef

    init(_ p: Project, company: Company) {
        id = p.id; name = p.name; display_name = p.displayName; project_number = p.projectNumber; active = p.active
        stage = p.stage; address = p.address; city = p.city; state_code = p.stateCode; country_code = p.countryCode
        zip = p.zip; time_zone = p.timeZone; created_at = p.createdAt.iso8601; updated_at = p.updatedAt.iso8601
        self.company = CompanyRef(id: company.id, name: company.name)
    }
}
