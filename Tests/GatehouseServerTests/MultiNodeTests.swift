import Foundation
import GatehouseCore
import GatehouseServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Two Gatehouse nodes on one PostgreSQL: changes on one hold on the other within a second.
@Suite("Several nodes on PostgreSQL", .enabled(if: StoreKind.enabled.contains(.postgres)))
struct MultiNodeTests {
    /// Two nodes whose caches keep entries for a minute, so within the tests' one-second window only a
    /// notification can make one node's change visible on the other. `listening: false` runs them without
    /// their listeners, which must make the cross-node checks fail.
    static func twoNodes(listening: Bool = true, _ body: @Sendable (TestApp, TestApp) async throws -> Void) async throws {
        let url = ProcessInfo.processInfo.environment["POSTGRES_URL"]!
        let schema = "n_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        try await PostgresSchemas.create(schema, url: url)
        let masterKey = MasterKey.generate().encoded
        let clock = ManualClock(Date(timeIntervalSince1970: 1_600_000_000))
        @Sendable func configuration() -> GatehouseConfiguration {
            var c = TestApp.baseConfiguration(clock: clock, masterKey: masterKey)
            c.databaseURL = url
            c.databaseSchema = schema
            c.cacheTTL = .seconds(60)
            c.listensForChanges = listening
            return c
        }
        let logger: Logger = {
            var logger = Logger(label: "nodes")
            logger.logLevel = .warning
            return logger
        }()
        let (appA, runtimeA) = try await buildApplication(configuration: configuration(), logger: logger)
        let (appB, runtimeB) = try await buildApplication(configuration: configuration(), logger: logger)
        do {
            try await appA.test(.router) { clientA in
                try await appB.test(.router) { clientB in
                    // The test framework runs each app's services, the change listener among them; give both
                    // LISTENs a moment to start.
                    if listening { try await Task.sleep(for: .milliseconds(300)) }
                    try await body(
                        TestApp(client: clientA, runtime: runtimeA, clock: clock, configuration: configuration()),
                        TestApp(client: clientB, runtime: runtimeB, clock: clock, configuration: configuration())
                    )
                }
            }
        } catch {
            await runtimeA.store.database.shutdown(); await runtimeB.store.database.shutdown()
            try? await PostgresSchemas.drop(schema, url: url)
            throw error
        }
        await runtimeA.store.database.shutdown(); await runtimeB.store.database.shutdown()
        try await PostgresSchemas.drop(schema, url: url)
    }

    /// Polls for at most one second: the spec's bound for a change on one node to hold on every node.
    static func withinOneSecond(_ check: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await check()
    }

    @Test func revokeDisableAndGrantsOnOneNodeHoldOnTheOther() async throws {
        try await Self.twoNodes { a, b in
            let (company, account, token) = try await a.tenant()
            // Warm node B's caches with the current state.
            #expect(try await b.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
            #expect(try await b.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .forbidden)

            try await a.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            #expect(try await Self.withinOneSecond {
                try await b.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .ok
            })

            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            _ = try await a.request(.post, "/oauth/revoke", headers: form, body: "token=\(token)&client_id=\(account.clientID)&client_secret=\(account.secret)")
            #expect(try await Self.withinOneSecond {
                try await b.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .unauthorized
            })

            let fresh = try await b.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await a.rest(.get, "/rest/v1.0/me", token: fresh, company: company).status == .ok)
            _ = try await a.admin(.post, "/companies/\(company)/service_accounts/\(account.id)/disable")
            #expect(try await Self.withinOneSecond {
                try await b.rest(.get, "/rest/v1.0/me", token: fresh, company: company).status == .unauthorized
            })
        }
    }

    /// Least privilege counts from every node add up: each node counts its own calls and flushes an upsert that
    /// adds to the shared row, so the report on either node shows the sum.
    @Test func permissionUseCountsFromEveryNodeAddUp() async throws {
        try await Self.twoNodes { a, b in
            let (company, account, token) = try await a.tenant()
            try await a.grant(company: company, person: account.contactID, ["directory": "readonly"])
            for _ in 0..<3 { #expect(try await a.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company).status == .ok) }
            #expect(try await Self.withinOneSecond {
                try await b.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company).status == .ok
            })
            for _ in 0..<3 { #expect(try await b.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company).status == .ok) }
            // Both nodes flush twice, so the second batch of each adds to rows the other already wrote.
            try await #require(a.runtime.usage).flush(to: a.runtime.store)
            try await #require(b.runtime.usage).flush(to: b.runtime.store)
            _ = try await b.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company)
            _ = try await a.rest(.get, "/rest/v1.0/companies/\(company)/users", token: token, company: company)
            try await #require(b.runtime.usage).flush(to: b.runtime.store)
            try await #require(a.runtime.usage).flush(to: a.runtime.store)
            for node in [a, b] {
                let report = try await node.admin(.get, "/companies/\(company)/service_accounts/\(account.id)/usage")
                let directory = (report.json["used"] as? [[String: Any]] ?? []).first { $0["tool"] as? String == "directory" }
                // 4 allowed calls on A; on B the first allowed poll, 3 more and 1: 9 (refused polls do not count).
                #expect(directory?["calls"] as? Int == 9, "\(report.text)")
            }
        }
    }

    @Test func aKeyRotatedOnOneNodeVerifiesOnTheOther() async throws {
        try await Self.twoNodes { a, b in
            let (company, account, _) = try await a.tenant()
            _ = try await a.admin(.post, "/keys/rotate", json: ["activate_in": 0])
            let token = try await a.accessToken(clientID: account.clientID, secret: account.secret)
            #expect(try await b.rest(.get, "/rest/v1.0/me", token: token, company: company).status == .ok)
        }
    }

    /// The control for the test above: with the listeners stopped, node B keeps serving its cached answer
    /// past the one-second window. Were this to pass quickly, the cross-node test would prove nothing.
    @Test func withoutTheListenerAChangeIsNotSeenOnTheOtherNode() async throws {
        try await Self.twoNodes(listening: false) { a, b in
            let (company, account, token) = try await a.tenant()
            #expect(try await b.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .forbidden)
            try await a.grant(company: company, person: account.contactID, ["portfolio": "readonly"])
            let seen = try await Self.withinOneSecond {
                try await b.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .ok
            }
            #expect(!seen, "without notifications, only the 60 s cache expiry could carry the change")
            #expect(try await a.rest(.get, "/rest/v1.0/companies/\(company)/projects", token: token, company: company).status == .ok)
        }
    }
}
