import Foundation
import GatehouseCore
import Testing

@Suite("Sunset policy")
struct SunsetPolicyTests {
    let policy = SunsetPolicy.procore

    @Test func procoreDefaults() {
        let f = ISO8601DateFormatter()
        #expect(policy.phase(at: f.date(from: "2021-12-08T23:59:59Z")!) == .active)
        #expect(policy.phase(at: f.date(from: "2021-12-09T00:00:00Z")!) == .deprecated)
        #expect(policy.phase(at: f.date(from: "2024-10-01T00:00:00Z")!) == .creationBlocked)
        #expect(policy.phase(at: f.date(from: "2024-12-31T23:59:59Z")!) == .creationBlocked)
        #expect(policy.phase(at: f.date(from: "2025-01-01T00:00:00Z")!) == .sunset)
    }

    @Test func datesOutOfOrderAreRefused() {
        #expect(throws: ValidationError.self) {
            try SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 10), creationBlockedAt: Date(timeIntervalSince1970: 5), sunsetAt: Date(timeIntervalSince1970: 20))
        }
    }

    @Test func parsesDatesAndTimes() {
        #expect(SunsetPolicy.parseDate("2024-12-31", endOfDay: true) == ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z"))
        #expect(SunsetPolicy.parseDate("2024-10-01") == ISO8601DateFormatter().date(from: "2024-10-01T00:00:00Z"))
        #expect(SunsetPolicy.parseDate("2024-10-01T12:00:00Z") == ISO8601DateFormatter().date(from: "2024-10-01T12:00:00Z"))
        #expect(SunsetPolicy.parseDate("yesterday") == nil)
    }

    @Test func creationIsRefusedFromTheBlockedPhaseOnAndNamesDMSA() {
        let f = ISO8601DateFormatter()
        #expect(policy.creationRefusal(at: f.date(from: "2024-09-30T23:59:59Z")!) == nil)
        let refusal = policy.creationRefusal(at: f.date(from: "2024-10-01T00:00:00Z")!)
        #expect(refusal?.message.contains("DMSA") == true)
        #expect(refusal?.fields["app_type"] != nil)
        #expect(policy.creationRefusal(at: f.date(from: "2025-06-01T00:00:00Z")!) != nil)
    }

    @Test func traditionalAccountsWorkUntilTheSunsetInstantAndAreDeprecatedFromItsDate() {
        let f = ISO8601DateFormatter()
        #expect(!policy.isDeprecated(at: f.date(from: "2021-12-08T00:00:00Z")!))
        #expect(policy.isDeprecated(at: f.date(from: "2021-12-09T00:00:00Z")!))
        #expect(policy.traditionalAccountsWork(at: f.date(from: "2024-12-31T23:59:59Z")!))
        #expect(!policy.traditionalAccountsWork(at: f.date(from: "2025-01-01T00:00:00Z")!))
    }
}
