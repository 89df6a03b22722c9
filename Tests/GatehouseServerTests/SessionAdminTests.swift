import Foundation
import HTTPTypes
import Testing

/// The admin API with a logged-in user's session instead of an operator token.
@Suite("Admin API with a user session")
struct SessionAdminTests {
    /// Logs the user in through the form and returns the session cookie and its CSRF token.
    func signIn(_ app: TestApp, email: String, password: String) async throws -> (cookie: String, csrf: String) {
        let form = try await app.request(.get, "/login")
        let csrfCookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("gh_csrf=") })
        let formToken = String(csrfCookie.dropFirst("gh_csrf=".count).prefix { $0 != ";" })
        let body = "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password)&csrf_token=\(formToken)"
        var login = try await app.request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gh_csrf=\(formToken)"], body: body)
        // The bounded bcrypt pool may be busy while the whole suite runs; a client retries after Retry-After.
        for _ in 0..<50 where login.status == .serviceUnavailable {
            try await Task.sleep(for: .milliseconds(100))
            login = try await app.request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gh_csrf=\(formToken)"], body: body)
        }
        let session = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("gh_session=") })
        let cookie = "gh_session=" + String(session.dropFirst("gh_session=".count).prefix { $0 != ";" })
        let home = try await app.request(.get, "/", headers: [.cookie: cookie])
        let marker = "name=\"csrf_token\" value=\""
        let start = try #require(home.text.range(of: marker))
        let csrf = String(home.text[start.upperBound...].prefix { $0 != "\"" })
        return (cookie, csrf)
    }

    @Test(arguments: StoreKind.enabled)
    func aCompanyAdminManagesOnlyTheirCompany(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany("Mine"), other = try await app.createCompany("Other")
            let user = try await app.createUser(company: company, email: "boss@example.com", password: "hunter2hunter2")
            let (cookie, csrf) = try await signIn(app, email: "boss@example.com", password: "hunter2hunter2")
            let list = "/admin/v1/companies/\(company)/service_accounts"

            #expect(try await app.request(.get, list, headers: [.cookie: cookie]).status == .forbidden, "not a company admin yet")
            try await app.grant(company: company, person: user, ["admin": "admin"])
            #expect(try await app.request(.get, list, headers: [.cookie: cookie]).status == .ok)

            let body = #"{"name":"From the UI","app_type":"custom"}"#
            let noCSRF = try await app.request(.post, list, headers: [.cookie: cookie, .contentType: "application/json"], body: body)
            #expect(noCSRF.status == .forbidden)
            var headers: HTTPFields = [.cookie: cookie, .contentType: "application/json"]
            headers[HTTPField.Name("X-CSRF-Token")!] = csrf
            let created = try await app.request(.post, list, headers: headers, body: body)
            #expect(created.status == .created, "\(created.text)")

            #expect(try await app.request(.get, "/admin/v1/companies/\(other)/service_accounts", headers: [.cookie: cookie]).status == .forbidden)
            #expect(try await app.request(.get, "/admin/v1/audit", headers: [.cookie: cookie]).status == .forbidden, "deployment-wide routes need an operator")
            #expect(try await app.request(.get, list, headers: [.cookie: "gh_session=forged"]).status == .unauthorized)
            let audit = try await app.admin(.get, "/audit").jsonArray
            #expect(audit.contains { $0["action"] as? String == "service_account.create" && $0["actor"] as? String == "person:\(user)" })
        }
    }
}
