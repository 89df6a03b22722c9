import Foundation
import GatehouseCore
import GatehouseServer
import HTTPTypes
import Testing

/// An answer says what actually went wrong: a store that cannot answer is the server's trouble (503), never
/// the client's token or credentials.
@Suite("Errors tell the truth")
struct ErrorTruthTests {
    @Test func aStoreFailureWhileCheckingABearerTokenIs503NotInvalidToken() async throws {
        try await TestApp.run(.sqlite, configure: { $0.cacheTTL = .zero }) { app in
            let (company, _, token) = try await app.tenant()
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
            await app.runtime.store.database.shutdown()
            let result = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            #expect(result.status == .serviceUnavailable)
            #expect(result.errorCode == "unavailable")
            #expect(result.header("WWW-Authenticate") == nil, "nothing is wrong with the token")
        }
    }

    @Test func aStoreFailureOnTheTokenEndpointAnswersInRFC6749ShapeAndIsCounted() async throws {
        try await TestApp.run(.sqlite, configure: { $0.cacheTTL = .zero }) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            await app.runtime.store.database.shutdown()
            let result = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(result.status == .serviceUnavailable)
            #expect(result.json["error"] as? String == "temporarily_unavailable")
            #expect(result.header("Cache-Control") == "no-store")
            let metrics = try await app.request(.get, "/metrics").text
            #expect(metrics.contains("outcome=\"temporarily_unavailable\""), "the failure is counted by outcome")
        }
    }

    /// A token is answered only once its issuance is on record: with the client cached and the keys in memory,
    /// everything but the audit row could still succeed after the store goes away.
    @Test func noTokenIsAnsweredWhoseAuditRowCouldNotBeWritten() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok, "the client is now cached")
            await app.runtime.store.database.shutdown()
            let result = try await app.token(clientID: account.clientID, secret: account.secret)
            #expect(result.status == .serviceUnavailable)
            #expect(result.json["access_token"] == nil)
            #expect(result.json["error"] as? String == "temporarily_unavailable")
        }
    }
}
