import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// `PATCH` and `DELETE /admin/v1/companies/{cid}/projects/{pid}`: changing a project, and archiving it.
@Suite("Project changes and archiving")
struct ProjectArchiveTests {
    @Test(arguments: StoreKind.enabled)
    func anArchivedProjectLeavesRESTListsAndItsMembershipsStopGranting(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, member, memberToken) = try await app.tenant()
            let project = try await app.createProject(company: company, name: "Tower")
            let kept = try await app.createProject(company: company, name: "Annex")
            let template = try await app.createTemplate(company: company, ["rfi": "standard"])
            try await app.addMember(project: project, person: member.contactID, template: template)
            let reader = try await app.createServiceAccount(company: company, name: "Reader")
            _ = try await app.grant(company: company, person: reader.contactID, ["portfolio": "readonly"])
            let readerToken = try await app.accessToken(clientID: reader.clientID, secret: reader.secret)
            func ids(_ result: HTTPResult) -> [Int] { result.jsonArray.compactMap { $0["id"] as? Int } }

            #expect(ids(try await app.rest(.get, "/rest/v1.0/projects?company_id=\(company)", token: memberToken, company: company)) == [Int(project)])
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: memberToken, company: company).status == .ok)

            let archived = try await app.admin(.delete, "/companies/\(company)/projects/\(project)")
            #expect(archived.status == .ok)
            #expect(archived.json["active"] as? Bool == false)

            #expect(ids(try await app.rest(.get, "/rest/v1.0/projects?company_id=\(company)", token: memberToken, company: company)) == [])
            let companyList = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: readerToken, company: company)
            #expect(ids(companyList) == [Int(kept)])
            #expect(companyList.header("Total") == "1")
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: memberToken, company: company).status == .forbidden,
                    "the membership no longer grants")
            // The admin API still lists it, so it can be brought back.
            #expect(ids(try await app.admin(.get, "/companies/\(company)/projects")).sorted() == [Int(project), Int(kept)].sorted())
            let audit = try await app.admin(.get, "/audit?action=project.archive").jsonArray
            #expect(audit.first?["target"] as? String == "project:\(project)")

            let restored = try await app.admin(.patch, "/companies/\(company)/projects/\(project)", json: ["active": true])
            #expect(restored.json["active"] as? Bool == true)
            #expect(try await app.rest(.get, "/rest/v1.0/projects/\(project)/rfis", token: memberToken, company: company).status == .ok,
                    "unarchiving restores the membership")
        }
    }

    @Test func aPatchChangesOnlyWhatItSendsAndKeepsTheRules() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let other = try await app.createCompany("Other")
            let project = try await app.createProject(company: company, name: "Tower")
            let changed = try await app.admin(.patch, "/companies/\(company)/projects/\(project)", json: ["city": "Lyon", "country_code": "fr"])
            #expect(changed.status == .ok)
            #expect(changed.json["name"] as? String == "Tower")
            #expect(changed.json["city"] as? String == "Lyon")
            #expect(changed.json["country_code"] as? String == "FR")
            let bad = try await app.admin(.patch, "/companies/\(company)/projects/\(project)", json: ["name": " ", "time_zone": "Mars/Olympus"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields.keys) == ["name", "time_zone"])
            #expect(try await app.admin(.patch, "/companies/\(other)/projects/\(project)", json: ["city": "Oslo"]).status == .notFound,
                    "a project is changed only through its own company")
            #expect(try await app.admin(.get, "/companies/\(company)/projects").jsonArray.first?["city"] as? String == "Lyon")
        }
    }
}
