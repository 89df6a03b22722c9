import Foundation
import GatehouseCore
import Testing

@Suite("RateLimitPolicy.decide")
struct RateLimitPolicyTests {
    let policy = RateLimitPolicy(hourly: 10, spike: 3, spikeWindow: 10)
    /// 12:00:07 on some day: 7 s into a spike window, 7 s into the hour.
    let now = Date(timeIntervalSince1970: 1_700_002_800 + 7)

    @Test func withinBothLimitsIsAllowedAndCountsDown() {
        let decision = policy.decide(hourlyCount: 4, spikeCount: 2, now: now)
        #expect(decision.allowed)
        #expect(decision.limit == 10)
        #expect(decision.remaining == 6)
        #expect(decision.retryAfter == 0)
        #expect(decision.reset == 1_700_002_800 + 3600)
    }

    @Test func theLastAllowedRequestLeavesZero() {
        let decision = policy.decide(hourlyCount: 10, spikeCount: 3, now: now)
        #expect(decision.allowed)
        #expect(decision.remaining == 0)
    }

    @Test func overTheSpikeWaitsForTheSpikeWindow() {
        let decision = policy.decide(hourlyCount: 4, spikeCount: 4, now: now)
        #expect(!decision.allowed)
        #expect(decision.retryAfter == 3, "7 s into a 10 s window")
        #expect(decision.remaining == 6, "the hourly budget is untouched by a spike refusal")
    }

    @Test func overTheHourWaitsForTheHour() {
        let decision = policy.decide(hourlyCount: 11, spikeCount: 1, now: now)
        #expect(!decision.allowed)
        #expect(decision.remaining == 0)
        #expect(decision.retryAfter == 3600 - 7)
    }

    @Test func windowsStartOnTheirBoundaries() {
        #expect(policy.hourWindow(now) == 1_700_002_800)
        #expect(policy.spikeWindowStart(now) == 1_700_002_800)
        #expect(policy.spikeWindowStart(now.addingTimeInterval(3)) == 1_700_002_810)
    }
}
