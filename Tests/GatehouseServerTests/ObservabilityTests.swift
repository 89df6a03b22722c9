import Foundation
import HTTPTypes
import Testing

@Suite("Operations")
struct ObservabilityTests {
    @Test func metricsCountIssuanceByOutcomeAndRESTRequestsByStatus() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, token) = try await app.tenant()
            _ = try await app.token(clientID: account.clientID, secret: "wrong")
            _ = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            _ = try await app.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company)
            let metrics = try await app.request(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"gatehouse_token_requests_total{outcome="issued"} 1"#))
            #expect(text.contains(#"gatehouse_token_requests_total{outcome="invalid_client"} 1"#))
            #expect(text.contains(#"gatehouse_http_requests_total{surface="rest",status="200"} 1"#))
            #expect(text.contains(#"gatehouse_http_requests_total{surface="rest",status="403"} 1"#))
            #expect(text.contains("gatehouse_token_request_duration_seconds_bucket"))
            #expect(!text.contains(account.secret) && !text.contains(token))
        }
    }

    @Test func everyResponseCarriesARequestIDAndAnIncomingOneIsKept() async throws {
        try await TestApp.run(.sqlite) { app in
            let generated = try await app.request(.get, "/health")
            #expect(generated.header("X-Request-Id")?.count == 16)
            let kept = try await app.request(.get, "/health", headers: [HTTPField.Name("X-Request-Id")!: "trace-abc-123"])
            #expect(kept.header("X-Request-Id") == "trace-abc-123")
            let refused = try await app.request(.get, "/health", headers: [HTTPField.Name("X-Request-Id")!: "bad id with spaces"])
            #expect(refused.header("X-Request-Id") != "bad id with spaces")
        }
    }

    @Test func adminActionsAreAuditedWithWhoWhatWhenAndWhere() async throws {
        try await TestApp.run(.sqlite) { app in
            let (company, account, _) = try await app.tenant()
            try await app.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let audit = try await app.admin(.get, "/audit").jsonArray
            let grant = try #require(audit.first { $0["action"] as? String == "permissions.set" })
            #expect(grant["actor"] as? String == "operator")
            #expect(grant["target"] as? String == "company:\(company)/person:\(account.contactID)")
            #expect((grant["detail"] as? String)?.contains("portfolio=readonly") == true)
            #expect(grant["at"] is String)
            #expect(grant["request_id"] is String)
            #expect(audit.contains { $0["action"] as? String == "service_account.create" })
        }
    }
}
