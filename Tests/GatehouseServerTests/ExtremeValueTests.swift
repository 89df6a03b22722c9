import Foundation
import GatehouseCore
import GatehouseServer
import HTTPTypes
import Testing

/// No request can take the server down. Walks the router's own route table, console pages included, and calls
/// every GET route with every query parameter any door reads set to values an attacker would try. Every answer
/// must be below 500, and the server must still answer `/health` afterwards.
///
/// The routes come from ``RouteTable``, not from a list here, so a route added later is covered without
/// touching this file.
@Suite("Extreme values on every route")
struct ExtremeValueTests {
    /// Each is sent alone, so that one parameter's 400 cannot hide another's crash.
    static let values = ["9223372036854775807", "99999999999999999999999", "-1", "1e309", "NaN", ""]

    /// Every query parameter any door reads: the paging pair, the audit filters and their older form, the REST
    /// scopes, the console's search and switcher, and the flash code.
    static let parameters = [
        "page", "per_page", "limit", "offset", "since", "until", "company_id", "project_id", "company",
        "q", "actor", "action", "outcome", "done", "days",
    ]

    struct Fixture {
        let company: Int64
        let project: Int64
        let account: TestApp.Account
        let token: String
        let template: Int64
        let app: Int64
        let installation: Int64
        let user: ConsoleUser
    }

    /// A tenant with one of everything a path can name, a console admin signed in, and a token.
    static func fixture(_ app: TestApp) async throws -> Fixture {
        let (company, account, token) = try await app.tenant()
        let project = try await app.createProject(company: company)
        try await app.grant(company: company, person: account.contactID, ["admin": "admin", "directory": "admin", "portfolio": "admin", "permissions": "admin"])
        let template = try await app.createTemplate(company: company, ["rfi": "standard"])
        let admin = try await app.createUser(company: company, email: "admin@acme.test")
        try await app.grant(company: company, person: admin, ["admin": "admin"])
        let dmsa = try await DMSATests().makeApp(app)
        let installation = try await DMSATests().install(app, company: company, key: dmsa.versionKey)
        let user = try await app.signIn("admin@acme.test")
        return Fixture(company: company, project: project, account: account, token: token, template: template,
                       app: Int64(dmsa.appID), installation: Int64(installation.id), user: user)
    }

    /// A real id for each path parameter, by name and by the segment before it, so handlers get past their
    /// lookups and reach the query parameters.
    static func substitute(_ route: RouteTable.Route, _ f: Fixture) -> String {
        var out: [String] = []
        let segments = route.path.split(separator: "/").map(String.init)
        for (index, segment) in segments.enumerated() {
            guard segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) else { out.append(segment); continue }
            let name = segment.trimmingCharacters(in: CharacterSet(charactersIn: ":{}"))
            let previous = index > 0 ? segments[index - 1] : ""
            let value: Int64 = switch (name, previous) {
            case ("pid", "people"), ("user_id", _), ("person", _), ("id", "people"), ("id", "users"): f.account.contactID
            case ("cid", _), ("id", "companies"): f.company
            case ("pid", _), ("id", "projects"), ("project_id", _): f.project
            case ("tid", _), ("id", "permission_templates"): f.template
            case ("iid", _), ("id", "installations"): f.installation
            case ("app", _), ("id", "apps"): f.app
            case ("id", "service_accounts"): f.account.id
            default: 1
            }
            out.append("\(value)")
        }
        return "/" + out.joined(separator: "/")
    }

    static func headers(for path: String, _ f: Fixture) -> HTTPFields {
        if path.hasPrefix("/admin/") { return [.authorization: "Bearer \(TestApp.adminToken)"] }
        if path.hasPrefix("/rest/") {
            return [.authorization: "Bearer \(f.token)", HTTPField.Name("Procore-Company-Id")!: "\(f.company)"]
        }
        return f.user.headers
    }

    @Test(arguments: StoreKind.enabled)
    func everyGETRouteSurvivesExtremeQueryValues(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: {
            TestApp.noSunset(&$0)
            $0.rateLimits = RateLimitPolicy(hourly: 10_000_000, spike: 10_000_000)
        }) { app in
            let f = try await Self.fixture(app)
            let routes = app.runtime.routes.all.filter { $0.method == "GET" && !$0.path.contains("*") }
            #expect(routes.count > 40, "the route table holds the whole router")
            #expect(routes.contains { $0.path.hasPrefix("/companies/") }, "console pages are walked too")
            var failures: [String] = []
            for route in routes {
                let path = Self.substitute(route, f)
                for parameter in Self.parameters {
                    for value in Self.values {
                        let uri = "\(path)?\(parameter)=\(value)"
                        let result = try await app.request(.get, uri, headers: Self.headers(for: path, f))
                        if result.status.code >= 500 { failures.append("\(uri) → \(result.status.code)") }
                    }
                }
                // Extreme ids in the path, too: every id parameter set to the largest and a too-large value.
                if !route.parameters.isEmpty {
                    for value in ["9223372036854775807", "99999999999999999999999", "-1", "0"] {
                        let uri = "/" + route.path.split(separator: "/").map { s in
                            s.hasPrefix(":") || s.hasPrefix("{") ? value : String(s)
                        }.joined(separator: "/")
                        let result = try await app.request(.get, uri, headers: Self.headers(for: uri, f))
                        if result.status.code >= 500 { failures.append("\(uri) → \(result.status.code)") }
                    }
                }
            }
            #expect(failures.isEmpty, "answers of 500 or more: \(failures.prefix(20))")
            let health = try await app.request(.get, "/health")
            #expect(health.status == .ok, "the server still answers after every extreme value")
        }
    }

    /// The values the issue found, each one by name: a page past 64 bits or at its end is an empty page, and a
    /// time past year 9999 is a 400 that names the parameter.
    @Test(arguments: StoreKind.enabled)
    func hugePagesAreEmptyAndHugeTimesAre400(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { TestApp.noSunset(&$0) }) { app in
            let f = try await Self.fixture(app)
            for page in ["9223372036854775807", "99999999999999999999999"] {
                let accounts = try await app.admin(.get, "/companies/\(f.company)/service_accounts?page=\(page)")
                #expect(accounts.status == .ok)
                #expect(accounts.jsonArray.isEmpty, "a page past the end is empty")
                #expect(accounts.header("Total") == "1")
                for console in ["service_accounts", "directory", "audit"] {
                    let result = try await app.page(f.user, "/companies/\(f.company)/\(console)?page=\(page)")
                    #expect(result.status == .ok, "\(console) page \(page)")
                }
            }
            for bound in ["since", "until"] {
                for value in ["9223372036854775807", "253402300800", "-1", "1e309", "NaN", "", "10000-01-01T00:00:00Z"] {
                    let result = try await app.admin(.get, "/audit?\(bound)=\(value)")
                    #expect(result.status == .badRequest, "\(bound)=\(value)")
                    #expect(result.errorFields[bound] != nil, "the 400 names \(bound)")
                    let console = try await app.page(f.user, "/companies/\(f.company)/audit?\(bound)=\(value)")
                    if !value.isEmpty {
                        #expect(console.status == .ok, "the console shows a field error")
                        #expect(console.text.contains("field-error"), "\(bound)=\(value) on the console")
                    }
                }
                let ok = try await app.admin(.get, "/audit?\(bound)=253402300799")
                #expect(ok.status == .ok, "the last second of 9999 is a valid bound")
            }
            let word = try await app.admin(.get, "/companies/\(f.company)/service_accounts?per_page=many")
            #expect(word.status == .badRequest)
            #expect(word.errorFields["per_page"] != nil)
            let consoleWord = try await app.page(f.user, "/companies/\(f.company)/directory?page=two")
            #expect(consoleWord.status == .badRequest)
            #expect(consoleWord.text.contains("Page must be"), "the console's 400 page names the parameter")
        }
    }
}
