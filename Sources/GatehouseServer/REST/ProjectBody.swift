import Foundation
import GatehouseCore

/// A project in Procore's REST shape, shared by the REST and admin surfaces.
struct ProjectBody: JSONBody {
    struct CompanyRef: JSONBody {
        let id: Int64
        let name: String

        func write(to json: inout JSONBuffer) {
            json.object { json in
                json.field("id", id)
                json.field("name", name)
            }
        }
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

    func write(to json: inout JSONBuffer) {
        json.object { json in
            json.field("active", active)
            json.field("address", nullable: address)
            json.field("city", nullable: city)
            json.field("company", company)
            json.field("country_code", nullable: country_code)
            json.field("created_at", created_at)
            json.field("display_name", display_name)
            json.field("id", id)
            json.field("name", name)
            json.field("project_number", nullable: project_number)
            json.field("stage", nullable: stage)
            json.field("state_code", nullable: state_code)
            json.field("time_zone", nullable: time_zone)
            json.field("updated_at", updated_at)
            json.field("zip", nullable: zip)
        }
    }
}
