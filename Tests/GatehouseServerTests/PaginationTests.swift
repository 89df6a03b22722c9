import Foundation
import Testing

@Suite("Pagination")
struct PaginationTests {
    @Test(arguments: StoreKind.enabled)
    func headersOnFirstMiddleAndLastPages(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let (company, account, token) = try await app.tenant()
            for i in 1...5 { _ = try await app.createProject(company: company, name: "P\(i)") }
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let base = "/rest/v1.0/companies/\(company)/projects"

            let first = try await app.rest(.get, "\(base)?per_page=2", token: token, company: company)
            #expect(first.jsonArray.compactMap { $0["name"] as? String } == ["P1", "P2"])
            #expect(first.header("Total") == "5")
            #expect(first.header("Per-Page") == "2")
            let firstLink = first.header("Link") ?? ""
            // Absolute, on the issuer, as Procore's pagination docs show.
            #expect(firstLink.contains("<http://gatehouse.test\(base)?page=1&per_page=2>; rel=\"first\""))
            #expect(firstLink.contains("<http://gatehouse.test\(base)?page=2&per_page=2>; rel=\"next\""))
            #expect(firstLink.contains("<http://gatehouse.test\(base)?page=3&per_page=2>; rel=\"last\""))
            #expect(!firstLink.contains("rel=\"prev\""))

            let middle = try await app.rest(.get, "\(base)?page=2&per_page=2", token: token, company: company)
            #expect(middle.jsonArray.compactMap { $0["name"] as? String } == ["P3", "P4"])
            let middleLink = middle.header("Link") ?? ""
            #expect(middleLink.contains("page=1&per_page=2>; rel=\"prev\""))
            #expect(middleLink.contains("page=3&per_page=2>; rel=\"next\""))

            let last = try await app.rest(.get, "\(base)?page=3&per_page=2", token: token, company: company)
            #expect(last.jsonArray.compactMap { $0["name"] as? String } == ["P5"])
            #expect(!(last.header("Link") ?? "").contains("rel=\"next\""))

            let past = try await app.rest(.get, "\(base)?page=9&per_page=2", token: token, company: company)
            #expect(past.status == .ok)
            #expect(past.jsonArray.isEmpty)
            #expect(past.text == "[]")
        }
    }

    @Test(arguments: ["page=0", "page=-1", "page=x", "per_page=0", "per_page=abc", "page=1e3", "page=", "per_page=NaN"])
    func badPagingParametersAre400(_ query: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let result = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects?\(query)", token: token, company: company)
            #expect(result.status == .badRequest)
        }
    }

    /// A page number past 64 bits, or one whose offset would overflow, is clamped like `per_page`: a page past
    /// the end, so an empty page with the usual headers, never a 400 and never a trap.
    @Test(arguments: ["page=9223372036854775807&per_page=1000", "page=99999999999999999999999", "per_page=99999999999999999999999&page=2"])
    func hugePagesAreEmptyPages(_ query: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            _ = try await app.createProject(company: company)
            let result = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects?\(query)", token: token, company: company)
            #expect(result.status == .ok)
            #expect(result.text == "[]")
            #expect(result.header("Total") == "1")
        }
    }

    /// Every parameter Gatehouse reads holds one value. A repeated one (`?per_page=&per_page=7`, found by the
    /// contract run's fuzzer on the audit log) is a 400 naming it, never whichever copy the reader saw first.
    @Test
    func aRepeatedParameterIs400NamingIt() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let rest = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects?page=1&page=2", token: token, company: company)
            #expect(rest.status == .badRequest)
            #expect(rest.errorFields["page"] == "must be given once")

            for query in ["per_page=&per_page=7", "action=a&action=b", "since=0&since=1", "company_id=1&company_id=1"] {
                let audit = try await app.admin(.get, "/audit?\(query)")
                let name = String(query.prefix { $0 != "=" })
                #expect(audit.status == .badRequest, "\(query)")
                #expect(audit.errorFields[name] == "must be given once", "\(query)")
            }
            // Different names are no repetition, and other parameters (Procore's `filters[...]`) are not read.
            #expect(try await app.admin(.get, "/audit?page=1&per_page=5&x=1&x=2").status == .ok)
        }
    }

    /// The audit log reads two paging forms, `page`/`per_page` and its first `limit`/`offset`. Whichever form
    /// answers, every parameter given is checked: the contract run's fuzzer sent `per_page=-1.9` beside a `limit`
    /// and got a 200 while `per_page` went unread.
    @Test(arguments: ["per_page=-1.9&limit=5", "page=0&offset=0", "limit=0&page=1", "offset=-1&per_page=5"])
    func bothAuditPagingFormsAreCheckedTogether(_ query: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let audit = try await app.admin(.get, "/audit?\(query)")
            #expect(audit.status == .badRequest, "\(query)")
            let named = String(query.prefix { $0 != "=" })
            #expect(audit.errorFields[named] != nil, "\(query) names \(named): \(audit.text)")
        }
    }
}
