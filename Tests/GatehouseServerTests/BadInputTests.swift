import Foundation
import HTTPTypes
import Testing

/// Every endpoint answers bad input with a 4xx and a JSON body that names the problem; none answers 5xx.
@Suite("Bad input never crashes or 500s")
struct BadInputTests {
    static let bodies = ["", "null", "[]", "\"text\"", "{", "{\"name\":[1,2]}", "{\"name\":{\"x\":1}}", "{\"tools\":\"all\"}",
                         "{\"tools\":{\"rfi\":5}}", "{\"person_id\":\"abc\"}", "{\"project_ids\":[\"a\"]}", "{\"project_ids\":-1}",
                         "{\"rfi\":[]}", "{\"user\":{\"permission_template_id\":\"x\"}}", "{\"version\":1,\"manifest\":[]}",
                         "{\"previous_expires_in\":-5}", "{\"activate_in\":99999999999}", "{\"keys\":\"nope\"}",
                         String(repeating: "{\"a\":", count: 2000)]

    @Test func adminEndpointsAnswer4xxWithJSON() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            let project = try await app.createProject(company: company)
            let paths: [(HTTPRequest.Method, String)] = [
                (.post, "/companies"), (.post, "/companies/\(company)/projects"), (.post, "/companies/\(company)/users"),
                (.post, "/companies/\(company)/service_accounts"), (.put, "/companies/\(company)/people/\(account.contactID)/permissions"),
                (.post, "/companies/\(company)/permission_templates"), (.post, "/companies/\(company)/directory"),
                (.post, "/projects/\(project)/memberships"), (.patch, "/people/\(account.contactID)"),
                (.post, "/companies/\(company)/service_accounts/\(account.id)/rotate_secret"), (.put, "/companies/\(company)/service_accounts/\(account.id)/jwks"),
                (.post, "/apps"), (.post, "/apps/1/versions"), (.post, "/companies/\(company)/installations"), (.post, "/keys/rotate"),
            ]
            for (method, path) in paths {
                for body in Self.bodies {
                    let result = try await app.request(method, "/admin/v1" + path, headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"], body: body)
                    #expect(result.status.code < 500, "\(method) \(path) \(body.prefix(40)) → \(result.status)")
                    if result.status.code >= 400 {
                        #expect(result.errorCode != nil, "\(method) \(path) \(body.prefix(40)) → \(result.text.prefix(200))")
                    }
                }
            }
        }
    }

    @Test func restEndpointsAnswer4xxWithJSON() async throws {
        try await TestApp.run(.sqlite, configure: { $0.rateLimits.spike = 100_000; $0.rateLimits.hourly = 100_000 }) { app in
            let (company, account, token) = try await app.tenant()
            let project = try await app.createProject(company: company)
            try await app.grant(company: company, person: account.contactID, ["admin": "admin"])
            let paths: [(HTTPRequest.Method, String)] = [
                (.post, "/rest/v1.0/projects"), (.post, "/rest/v1.0/projects/\(project)/rfis"), (.patch, "/rest/v1.0/projects/\(project)/rfis/1"),
                (.post, "/rest/v1.0/projects/\(project)/users/\(account.contactID)/actions/add"),
                (.get, "/rest/v1.0/settings/permissions?project_id=x"), (.get, "/rest/v1.0/projects?company_id=%00"),
            ]
            for (method, path) in paths {
                for body in Self.bodies {
                    var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                    headers[HTTPField.Name("Procore-Company-Id")!] = "\(company)"
                    let result = try await app.request(method, path, headers: headers, body: body)
                    #expect(result.status.code < 500, "\(method) \(path) \(body.prefix(40)) → \(result.status)")
                    if result.status.code >= 400 { #expect(result.errorCode != nil, "\(method) \(path) → \(result.text.prefix(200))") }
                }
            }
        }
    }

    @Test func tokenEndpointAnswers4xxForGarbage() async throws {
        try await TestApp.run(.sqlite) { app in
            let cases: [(String, String)] = [
                ("application/json", "[1,2]"), ("application/json", "{"), ("multipart/form-data", "x"), ("multipart/form-data; boundary=b", "--b\r\nnope"),
                ("text/plain", "hello"), ("application/x-www-form-urlencoded", "%zz=1"), ("application/x-www-form-urlencoded", String(repeating: "a", count: 70_000)),
            ]
            for (type, body) in cases {
                let result = try await app.request(.post, "/oauth/token", headers: [.contentType: type], body: body)
                #expect(result.status == .badRequest || result.status == .unauthorized, "\(type) \(body.prefix(20)) → \(result.status)")
                #expect(result.json["error"] is String)
            }
            let basic = try await app.request(.post, "/oauth/token", headers: [.authorization: "Basic !!!", .contentType: "application/x-www-form-urlencoded"], body: "grant_type=client_credentials")
            #expect(basic.status == .unauthorized)
        }
    }
}
