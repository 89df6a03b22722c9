import Foundation
import HTTPTypes
import Testing

/// Issuance answers from the preloaded credential index, and an admin's change is obeyed by the very next token
/// request, index or not.
@Suite("Credential index over HTTP")
struct CredentialIndexServerTests {
    /// Waits (up to 10 s) until `/metrics` shows the index holding `clients` clients, asking for a token meanwhile
    /// (a token request is what starts a reload after a change).
    private func indexHolds(_ clients: Int, _ app: TestApp, _ account: TestApp.Account) async throws {
        for _ in 0..<200 {
            _ = try await app.token(clientID: account.clientID, secret: account.secret)
            if try await app.request(.get, "/metrics").text.contains("gatehouse_credential_index_clients \(clients)") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the index never reported \(clients) clients")
    }

    @Test(arguments: StoreKind.enabled)
    func changesAreObeyedAtOnceAfterTheIndexLoaded(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let other = try await app.createServiceAccount(company: company, name: "Other")
            try await indexHolds(2, app, account)
            let base = "/companies/\(company)/service_accounts/\(account.id)"

            // Disabled: refused by the next request.
            #expect(try await app.admin(.post, base + "/disable").status == .ok)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.admin(.post, base + "/enable").status == .ok)
            try await indexHolds(2, app, account)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok)

            // Reset: the old secret fails at once, the new one works at once.
            let reset = try await app.admin(.post, base + "/reset_secret")
            let secret = try #require(reset.json["client_secret"] as? String)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .unauthorized)
            #expect(try await app.token(clientID: account.clientID, secret: secret).status == .ok)

            // A new account gets a token at once; a deleted one is refused at once.
            let third = try await app.createServiceAccount(company: company, name: "Third")
            #expect(try await app.token(clientID: third.clientID, secret: third.secret).status == .ok)
            try await indexHolds(3, app, other)
            #expect(try await app.admin(.delete, "/companies/\(company)/service_accounts/\(third.id)").status == .noContent)
            #expect(try await app.token(clientID: third.clientID, secret: third.secret).status == .unauthorized)
            #expect(try await app.token(clientID: other.clientID, secret: other.secret).status == .ok)
            #expect(try await app.request(.get, "/metrics").text.contains("gatehouse_credential_index_reload_seconds"))
        }
    }
}
