import Foundation
import HTTPTypes
import Testing

/// Procore clients index into response bodies, so every documented key is present, `null` included.
@Suite("Procore response shapes")
struct ProcoreShapesTests {
    @Test func projectUserAndRFIBodiesCarryEveryKeyWithNulls() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            try await app.grant(company: company, person: account.contactID, ["admin": "admin"])

            let shown = try await app.rest(.get, "/rest/v1.0/projects/\(project)", token: token, company: company)
            for key in ["id", "name", "display_name", "project_number", "active", "stage", "address", "city", "state_code",
                        "country_code", "zip", "time_zone", "created_at", "updated_at", "company"] {
                #expect(shown.json.keys.contains(key), "project body lacks \(key)")
            }
            #expect(shown.json["stage"] is NSNull)

            let users = try await app.rest(.get, "/rest/v1.3/companies/\(company)/users", token: token, company: company)
            let contact = try #require(users.jsonArray.first)
            #expect(contact["job_title"] is NSNull)

            let rfi = try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company,
                                         json: ["rfi": ["subject": "s", "question": ["body": "b"]]])
            #expect(rfi.json["rfi_manager"] is NSNull)
        }
    }

    @Test func tokenInfoOfAnAppHasANullResourceOwner() async throws {
        try await TestApp.run(.sqlite) { app in
            let created = try await app.admin(.post, "/apps", json: ["name": "Shape Check"])
            let token = try await app.accessToken(clientID: created.json["client_id"] as! String, secret: created.json["client_secret"] as! String)
            let info = try await app.request(.get, "/oauth/token/info", headers: [.authorization: "Bearer \(token)"])
            #expect(info.json.keys.contains("resource_owner_id"))
            #expect(info.json["resource_owner_id"] is NSNull)
        }
    }
}
