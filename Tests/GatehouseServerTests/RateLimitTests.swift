import Foundation
import GatehouseCore
import HTTPTypes
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    static func run(_ kind: StoreKind, _ body: @Sendable (TestApp) async throws -> Void) async throws {
        // Start at the top of an hour so the windows are predictable.
        try await TestApp.run(kind, clock: ManualClock(Date(timeIntervalSince1970: 1_699_999_200)),
                              configure: { $0.rateLimits = RateLimitPolicy(hourly: 5, spike: 3, spikeWindow: 10) }, body)
    }

    @Test(arguments: StoreKind.enabled)
    func spikeAndHourlyLimitsWithHeaders(_ kind: StoreKind) async throws {
        try await Self.run(kind) { app in
            let (company, _, token) = try await app.tenant()
            let first = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            // The spike limit (3 per 10 s) is the one this caller hits first, so the headers describe it.
            #expect(first.header("X-Rate-Limit-Limit") == "3")
            #expect(first.header("X-Rate-Limit-Remaining") == "2")
            #expect(first.header("X-Rate-Limit-Reset") == "\(1_699_999_200 + 10)")
            _ = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            let third = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            #expect(third.header("X-Rate-Limit-Remaining") == "0", "Remaining reaches 0 before the refusal, as clients are told to pause")
            let spiked = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            #expect(spiked.status == .tooManyRequests)
            #expect(spiked.header("Retry-After") == "10")
            #expect(spiked.header("X-Rate-Limit-Remaining") == "0")
            #expect(spiked.header("X-Rate-Limit-Limit") == "3")
            #expect(spiked.header("X-Rate-Limit-Reset") == "\(1_699_999_200 + 10)", "the spike window's end, beside Retry-After")
            #expect(spiked.errorCode == "rate_limited")

            app.clock.advance(by: 10)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
            let hourly = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            #expect(hourly.status == .tooManyRequests)
            #expect(hourly.header("Retry-After") == "\(3600 - 10)")
            #expect(hourly.header("X-Rate-Limit-Remaining") == "0")
            #expect(hourly.header("X-Rate-Limit-Limit") == "5")
            #expect(hourly.header("X-Rate-Limit-Reset") == "\(1_699_999_200 + 3600)")

            app.clock.advance(by: 3590)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
        }
    }

    @Test func budgetsAreSeparatePerClient() async throws {
        try await Self.run(.sqlite) { app in
            let (company, _, token) = try await app.tenant()
            let other = try await app.createServiceAccount(company: company, name: "Other")
            let otherToken = try await app.accessToken(clientID: other.clientID, secret: other.secret)
            for _ in 0..<3 { _ = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company) }
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .tooManyRequests)
            #expect(try await app.rest(.get, "/rest/v1.0/me", token: otherToken, company: company).status == .ok)
        }
    }
}
