import Foundation
import GatehouseCore
import GatehouseServer
import Testing

/// Every range a setting must fall in is checked by `GatehouseConfiguration.validate()`, the library's one home for
/// them (`gatehouse serve` only parses flags), so an embedding program or a test gets the same refusals.
@Suite("Configuration ranges")
struct ConfigurationRangesTests {
    static let refused: [(String, @Sendable (inout GatehouseConfiguration) -> Void)] = [
        ("--token-ttl", { $0.tokenTTL = 0 }),
        ("--token-ttl", { $0.tokenTTL = 86_401 }),
        ("rate limits", { $0.rateLimits = RateLimitPolicy(hourly: 0, spike: 1) }),
        ("failure limits", { $0.failurePolicy = FailurePolicy(perCredential: 0, perAddress: 1) }),
        ("--session-lifetime", { $0.sessionIdleTimeout = 10 }),
        ("--session-lifetime", { $0.sessionIdleTimeout = 7200; $0.sessionLifetime = 3600 }),
        ("--contact-email-domain", { $0.contactEmailDomain = "not a domain" }),
        ("--reinstall-retention-days", { $0.reinstallRetention = 400 * 86_400 }),
        ("--idle-timeout", { $0.idleTimeout = .zero }),
        ("--shutdown-drain", { $0.shutdownDrain = .seconds(601) }),
        ("--max-header-bytes", { $0.maxHeaderBytes = 100 }),
        ("--cache-entries", { $0.cacheEntries = 10 }),
        ("--max-connections", { $0.maxConnections = 0 }),
        ("metrics token", { $0.metricsToken = "short" }),
    ]

    @Test func outOfRangeSettingsAreRefusedNamingTheFlag() throws {
        try GatehouseConfiguration().validate()
        for (flag, change) in Self.refused {
            var configuration = GatehouseConfiguration()
            change(&configuration)
            #expect(throws: (any Error).self, "\(flag)") { try configuration.validate() }
            do { try configuration.validate() } catch { #expect("\(error)".contains(flag), "\(error)") }
        }
    }
}
