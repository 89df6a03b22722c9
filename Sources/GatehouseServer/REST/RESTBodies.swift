import Foundation
import GatehouseCore

/// A company or project user in Procore's shape.
struct UserBody: JSONBody {
    let id: Int64
    let first_name: String
    let last_name: String
    let name: String
    let email_address: String
    @Nullable var job_title: String?
    let is_active: Bool
    let is_employee: Bool
    @Nullable var permission_template: TemplateRef?

    struct TemplateRef: JSONBody {
        let id: Int64

        func write(to json: inout JSONBuffer) {
            json.object { json in json.field("id", id) }
        }
    }

    init(_ m: DirectoryMember) {
        id = m.person.id; first_name = m.person.firstName; last_name = m.person.lastName; name = m.person.name
        email_address = m.person.email; job_title = m.person.jobTitle; is_active = m.isActive && m.person.isActive
        is_employee = m.isEmployee; permission_template = m.permissionTemplateID.map(TemplateRef.init)
    }

    func write(to json: inout JSONBuffer) {
        json.object { json in
            json.field("email_address", email_address)
            json.field("first_name", first_name)
            json.field("id", id)
            json.field("is_active", is_active)
            json.field("is_employee", is_employee)
            json.field("job_title", nullable: job_title)
            json.field("last_name", last_name)
            json.field("name", name)
            json.field("permission_template", nullable: permission_template)
        }
    }
}

/// A permission template with its tools, in the shape Procore's templates endpoint uses.
struct TemplateBody: Encodable {
    struct ToolLevel: Encodable {
        let name: String
        let friendly_name: String
        let user_access_level: LevelBody
    }
    let id: Int64
    let name: String
    let project_specific: Bool
    let project_id: Int64?
    let tools: [ToolLevel]

    init(_ t: PermissionTemplate) {
        id = t.id; name = t.name; project_specific = !t.isGlobal; project_id = t.projectID
        tools = ToolCatalog.all.map { ToolLevel(name: $0.key, friendly_name: $0.friendlyName, user_access_level: LevelBody(t.levels[$0])) }
    }
}

struct LevelBody: Encodable {
    let id: Int
    let name: String
    let key: String
    init(_ level: PermissionLevel) { id = level.rank; name = level.displayName; key = level.rawValue }
}

/// An RFI in the shape of Procore's RFI reference: the question as the first entry of `questions`, and
/// people as `{id, login, name}`. Gatehouse stores one question per RFI and no assignees, so `questions`
/// has one entry and `assignees` is empty, never absent: Procore clients iterate both.
struct RFIBody: Encodable {
    struct PersonRef: Encodable {
        let id: Int64
        let login: String?
        let name: String?
        init(_ id: Int64, _ person: Person?) { self.id = id; login = person?.email; name = person?.name }
    }
    struct Question: Encodable {
        let id: Int64
        let body: String
        let plain_text_body: String
        let created_by: PersonRef
        let created_at: String
    }
    let id: Int64
    let number: String
    let subject: String
    let status: String
    let questions: [Question]
    @Nullable var rfi_manager: PersonRef?
    let created_by: PersonRef
    let assignees: [PersonRef]
    let created_at: String
    let updated_at: String

    init(_ r: RFI, people: [Int64: Person]) {
        let author = PersonRef(r.createdByID, people[r.createdByID])
        id = r.id; number = "\(r.number)"; subject = r.subject; status = r.status
        // The question shares the RFI's id: it is the RFI's only question and has no row of its own.
        questions = [Question(id: r.id, body: r.questionBody, plain_text_body: r.questionBody, created_by: author, created_at: r.createdAt.iso8601)]
        rfi_manager = r.rfiManagerID.map { PersonRef($0, people[$0]) }; created_by = author; assignees = []
        created_at = r.createdAt.iso8601; updated_at = r.updatedAt.iso8601
    }
}

/// `/settings/permissions`: the caller's own level on each tool of the scope.
struct PermissionsBody: Encodable {
    struct ToolBody: Encodable {
        let id: Int
        let name: String
        let friendly_name: String
        let user_access_level: LevelBody
    }
    let tools: [ToolBody]
}
