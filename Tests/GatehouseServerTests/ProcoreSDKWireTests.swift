import Foundation
import GatehouseCore
import HTTPTypes
import Testing

/// Procore's own SDKs, read off the wire the way each one reads it, so that a client written for Procore keeps
/// working with only its base URL changed:
/// - the Ruby SDK (`Procore::Response#pagination`) splits `Link` on `", "` and reads every entry as
///   `<URL>; rel="name"` with URL on a `/rest/…` (or `/vapid/…`) path, raising on anything else;
/// - the JS SDK's `revoke()` parses the revoke answer as JSON;
/// - Python `requests` follows `r.links["next"]["url"]` as given, so it must be absolute.
///
/// Run for a DMSA app and for a deprecated traditional account, whose answers also carry `Deprecation`.
@Suite("Procore SDKs on the wire")
struct ProcoreSDKWireTests {
    enum Client: String, CaseIterable, CustomTestStringConvertible {
        case dmsaApp, deprecatedTraditional
        var testDescription: String { rawValue }
    }

    static let issuer = "http://gatehouse.test"

    /// The Ruby SDK's reading of one `Link` entry; nil where it would raise.
    static func rubyPageLink(_ entry: String) -> (url: String, rel: String)? {
        let pattern = #"^<(https?://[^>]+/(?:rest|vapid)/[^>]*)>; rel="([a-z]+)"$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: entry, range: NSRange(entry.startIndex..., in: entry)),
              let url = Range(match.range(at: 1), in: entry), let rel = Range(match.range(at: 2), in: entry)
        else { return nil }
        return (String(entry[url]), String(entry[rel]))
    }

    /// Every entry of `Link` as the Ruby SDK reads it; a failure names the entry it would raise on.
    static func rubyPagination(_ result: HTTPResult) -> [String: String] {
        guard let link = result.header("Link") else { return [:] }
        var pages: [String: String] = [:]
        for entry in link.components(separatedBy: ", ") {
            guard let page = rubyPageLink(entry) else {
                Issue.record("the Ruby SDK raises NoMethodError on this Link entry: \(entry)")
                continue
            }
            pages[page.rel] = page.url
        }
        return pages
    }

    struct Caller {
        let token: String
        let company: Int64
        let project: Int64
        let clientID: String
        let secret: String
    }

    /// A company with three projects, and the caller under test with company-wide read access there.
    static func caller(_ client: Client, _ app: TestApp) async throws -> Caller {
        let company = try await app.createCompany()
        var first: Int64 = 0
        for i in 1...3 {
            let id = try await app.createProject(company: company, name: "Tower \(i)")
            if i == 1 { first = id }
        }
        switch client {
        case .deprecatedTraditional:
            let account = try await app.createServiceAccount(company: company)
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly", "directory": "readonly"])
            let token = try await app.accessToken(clientID: account.clientID, secret: account.secret)
            return Caller(token: token, company: company, project: first, clientID: account.clientID, secret: account.secret)
        case .dmsaApp:
            let manifest: [String: Any] = [
                "schema_version": "4.1", "components": ["data_connector": ["service_account": true]],
                "permissions": ["company": ["portfolio": "readonly", "directory": "readonly"], "project": ["directory": "readonly"]],
            ]
            let fixture = try await DMSATests().makeApp(app, manifest: manifest)
            _ = try await DMSATests().install(app, company: company, key: fixture.versionKey)
            let token = try await app.accessToken(clientID: fixture.clientID, secret: fixture.secret)
            return Caller(token: token, company: company, project: first, clientID: fixture.clientID, secret: fixture.secret)
        }
    }

    static func run(_ kind: StoreKind, _ body: @Sendable (TestApp) async throws -> Void) async throws {
        // Deprecated since 1970, sunset far ahead: traditional accounts work and carry the deprecation headers.
        let deprecated = try SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 0), creationBlockedAt: Date(timeIntervalSince1970: 4_000_000_000),
                                          sunsetAt: Date(timeIntervalSince1970: 4_000_000_001))
        try await TestApp.run(kind, configure: { $0.sunsetPolicy = deprecated }, body)
    }

    @Test(arguments: StoreKind.enabled, Client.allCases)
    func everyLinkEntryIsAnAbsolutePageLinkTheRubySDKReads(_ kind: StoreKind, _ client: Client) async throws {
        try await Self.run(kind) { app in
            let c = try await Self.caller(client, app)
            let first = try await app.rest(.get, "/rest/v1.0/companies/\(c.company)/projects?per_page=1", token: c.token, company: c.company)
            #expect(first.status == .ok)
            if client == .deprecatedTraditional {
                #expect(first.header("Deprecation") != nil && first.header("Sunset") != nil, "the deprecation is still announced")
            }
            let pages = Self.rubyPagination(first)
            #expect(Set(pages.keys) == ["first", "next", "last"])

            // Python requests: follow r.links["next"]["url"] as given. It must be absolute, on the issuer.
            let next = try #require(pages["next"])
            #expect(next.hasPrefix(Self.issuer + "/rest/"), "absolute: \(next)")
            let second = try await app.rest(.get, String(next.dropFirst(Self.issuer.count)), token: c.token, company: c.company)
            #expect(second.status == .ok)
            #expect(second.jsonArray.first?["name"] as? String == "Tower 2")
            #expect(Set(Self.rubyPagination(second).keys) == ["first", "prev", "next", "last"])

            // Answers without pages: no Link entry the SDK would raise on, errors included (it parses them too).
            for path in ["/rest/v1.0/me", "/rest/v1.0/projects/\(c.project)", "/rest/v1.0/projects/999999", "/rest/v1.0/companies/\(c.company)/projects?page=x"] {
                let result = try await app.rest(.get, path, token: c.token, company: c.company)
                _ = Self.rubyPagination(result)
            }
        }
    }

    @Test(arguments: StoreKind.enabled, Client.allCases)
    func revokeAnswersJSONTheJSSDKParses(_ kind: StoreKind, _ client: Client) async throws {
        try await Self.run(kind) { app in
            let c = try await Self.caller(client, app)
            let body = "token=\(c.token)&client_id=\(c.clientID)&client_secret=\(c.secret)"
            let revoked = try await app.request(.post, "/oauth/revoke", headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
            #expect(revoked.status == .ok)
            #expect(revoked.header("Content-Type")?.hasPrefix("application/json") == true)
            let parsed = try JSONSerialization.jsonObject(with: Data(buffer: revoked.body))   // JSON.parse in the JS SDK
            #expect((parsed as? [String: Any])?.isEmpty == true, "the body is {}")
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: c.token, company: c.company).status == .unauthorized, "and the revoke worked")
        }
    }

    /// The limit headers describe the limit hit first, and reach the early refusals too (400 for a missing
    /// company header, 403 for an app not connected there).
    @Test(arguments: StoreKind.enabled)
    func earlyRefusalsCarryTheRateLimitHeaders(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let c = try await Self.caller(.dmsaApp, app)
            let missing = try await app.rest(.get, "/rest/v1.0/projects/\(c.project)", token: c.token, company: nil)
            #expect(missing.status == .badRequest)
            let other = try await app.createCompany("Not installed")
            let notConnected = try await app.rest(.get, "/rest/v1.0/companies/\(other)/projects", token: c.token, company: other)
            #expect(notConnected.status == .forbidden)
            for result in [missing, notConnected] {
                #expect(result.header("X-Rate-Limit-Limit") != nil && result.header("X-Rate-Limit-Remaining") != nil
                        && result.header("X-Rate-Limit-Reset") != nil, "\(result.status)")
            }
        }
    }
}
