import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// Removing directory entries (with the contact rule) and changing memberships in place.
@Suite("Directory removal and membership changes")
struct DirectoryRemovalTests {
    @Test(arguments: StoreKind.enabled)
    func aUserLeavesWithTheirLevelsAndMembershipsButAContactCannot(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let user = try await app.createUser(company: company, email: "pat@example.com")
            _ = try await app.grant(company: company, person: user, ["directory": "readonly"])
            let template = try await app.createTemplate(company: company, ["rfi": "standard"])
            try await app.addMember(project: project, person: user, template: template)

            #expect(try await app.admin(.delete, "/companies/\(company)/directory/\(user)").status == .noContent)
            let directory = try await app.admin(.get, "/companies/\(company)/directory").jsonArray
            #expect(!directory.contains { $0["id"] as? Int == Int(user) })
            let members = try await app.admin(.get, "/projects/\(project)/memberships").jsonArray
            #expect(!members.contains { $0["id"] as? Int == Int(user) }, "the project memberships went with it")
            #expect(try await app.admin(.get, "/companies/\(company)/people/\(user)/permissions").status == .notFound)
            #expect(try await app.admin(.delete, "/companies/\(company)/directory/\(user)").status == .notFound)

            let refused = try await app.admin(.delete, "/companies/\(company)/directory/\(account.contactID)")
            #expect(refused.status == .conflict)
            #expect(refused.errorFields["person_id"] != nil)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: nil).status == .ok, "the account is untouched")
            let audit = try await app.admin(.get, "/audit?action=directory.remove&outcome=refused").jsonArray
            #expect(audit.count == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aMembershipChangesInPlace(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let readers = try await app.createTemplate(company: company, name: "Readers", ["rfi": "readonly"])
            try await app.addMember(project: project, person: account.contactID, template: readers)
            let rfi: [String: Any] = ["rfi": ["subject": "Door height", "question": ["body": "Which height?"]]]
            #expect(try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: rfi).status == .forbidden)

            let changed = try await app.admin(.patch, "/projects/\(project)/memberships/\(account.contactID)", json: ["tools": ["rfi": "standard"]])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await app.rest(.post, "/rest/v1.0/projects/\(project)/rfis", token: token, company: company, json: rfi).status == .created)

            let neither = try await app.admin(.patch, "/projects/\(project)/memberships/\(account.contactID)", json: [:])
            #expect(neither.status == .unprocessableContent)
            let stranger = try await app.createUser(company: company, email: "sam@example.com")
            #expect(try await app.admin(.patch, "/projects/\(project)/memberships/\(stranger)", json: ["permission_template_id": readers]).status == .notFound)
        }
    }
}
