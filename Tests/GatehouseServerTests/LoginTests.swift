import Foundation
import HTTPTypes
import Testing

@Suite("Web login")
struct LoginTests {
    /// GETs the form and returns the CSRF token and cookie a browser would hold.
    func csrf(_ app: TestApp, prefix: String = "") async throws -> String {
        let form = try await app.request(.get, "/login")
        #expect(form.status == .ok)
        let cookie = form.headers[values: .setCookie].first { $0.hasPrefix("\(prefix)gh_csrf=") } ?? ""
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        let token = String(cookie.dropFirst("\(prefix)gh_csrf=".count).prefix { $0 != ";" })
        #expect(form.text.contains("value=\"\(token)\""))
        return token
    }

    func post(_ app: TestApp, email: String, password: String, csrf: String, cookie: String? = nil, prefix: String = "") async throws -> HTTPResult {
        let body = "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password)&csrf_token=\(csrf)"
        return try await app.request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(prefix)gh_csrf=\(cookie ?? csrf)"], body: body)
    }

    @Test(arguments: StoreKind.enabled)
    func aServiceAccountContactCannotLogIn(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (_, account, _) = try await app.tenant()
            let token = try await csrf(app)
            let result = try await post(app, email: account.contactEmail, password: "anything-at-all", csrf: token)
            #expect(result.status == .forbidden)
            #expect(result.text.contains("Service accounts cannot log in"))
            #expect(!result.headers[values: .setCookie].contains { $0.hasPrefix("gh_session=") })
        }
    }

    @Test func aUserLogsInWithASecureSessionCookie() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "pat@example.com", password: "hunter2hunter2")
            let token = try await csrf(app)
            let wrong = try await post(app, email: "pat@example.com", password: "nope-nope", csrf: token)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Invalid email or password"))

            let ok = try await post(app, email: "pat@example.com", password: "hunter2hunter2", csrf: token)
            #expect(ok.status == .seeOther)
            let session = try #require(ok.headers[values: .setCookie].first { $0.hasPrefix("gh_session=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))
            #expect(!session.contains("Secure"), "plain http issuer: no Secure flag")
            let value = String(session.dropFirst("gh_session=".count).prefix { $0 != ";" })
            let home = try await app.request(.get, "/", headers: [.cookie: "gh_session=\(value)"])
            #expect(home.status == .ok)
            #expect(home.text.contains("pat@example.com"))
        }
    }

    /// Behind TLS the cookies are `Secure` and carry the `__Host-` prefix, which browsers accept only with
    /// `Secure`, `Path=/` and no `Domain`.
    @Test func sessionCookiesAreSecureBehindTLS() async throws {
        try await TestApp.run(.sqlite, configure: { $0.issuer = "https://gatehouse.example" }) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "pat@example.com", password: "hunter2hunter2")
            let token = try await csrf(app, prefix: "__Host-")
            let ok = try await post(app, email: "pat@example.com", password: "hunter2hunter2", csrf: token, prefix: "__Host-")
            let session = try #require(ok.headers[values: .setCookie].first { $0.hasPrefix("__Host-gh_session=") })
            #expect(session.contains("Secure"))
            #expect(session.contains("Path=/"))
            #expect(!session.contains("Domain"))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax"))
        }
    }

    @Test func aLoginWithoutTheCSRFCookieIsRefused() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            _ = try await app.createUser(company: company, email: "pat@example.com", password: "hunter2hunter2")
            let result = try await post(app, email: "pat@example.com", password: "hunter2hunter2", csrf: "forged", cookie: "different")
            #expect(result.status == .forbidden)
            #expect(!result.headers[values: .setCookie].contains { $0.hasPrefix("gh_session=") })
        }
    }
}
