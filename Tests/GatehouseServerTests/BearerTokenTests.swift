import Foundation
import HTTPTypes
import Testing

/// One bearer-token reader for every door (RFC 6750 §2.1): the scheme in any case, spaces and tabs around the
/// token dropped, and the same answer from REST, the admin API and token info.
@Suite("Bearer tokens")
struct BearerTokenTests {
    @Test func everyDoorReadsTheSchemeInAnyCaseAndTrimsTheToken() async throws {
        try await TestApp.run(.sqlite, configure: { TestApp.noSunset(&$0) }) { app in
            let (company, _, token) = try await app.tenant()
            let company_: HTTPFields = [HTTPField.Name("Procore-Company-Id")!: "\(company)"]
            for header in ["Bearer \(token)", "bearer \(token)", "BEARER \t\(token)  "] {
                var rest = company_
                rest[.authorization] = header
                #expect(try await app.request(.get, "/rest/v1.0/me", headers: rest).status == .ok, "REST: \(header.prefix(8))")
                #expect(try await app.request(.get, "/oauth/token/info", headers: [.authorization: header]).status == .ok, "token info")
                let operatorHeader = header.replacingOccurrences(of: token, with: TestApp.adminToken)
                #expect(try await app.request(.get, "/admin/v1/companies", headers: [.authorization: operatorHeader]).status == .ok, "admin")
            }
            for header in ["Bearer", "Bearer    ", "Basic \(token)", "Bearer\(token)"] {
                var rest = company_
                rest[.authorization] = header
                #expect(try await app.request(.get, "/rest/v1.0/me", headers: rest).status == .unauthorized, "REST refuses \(header.prefix(9))")
            }
        }
    }
}
