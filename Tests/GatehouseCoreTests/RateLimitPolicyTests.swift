import Foundation
import GatehouseCore
import Testing

@Suite("RateLimitPolicy.decide")
struct RateLimitPolicyTests {
    let policy = RateLimitPolicy(hourly: 10, spike: 3, spikeWindow: 10)
    /// 12:00:07 on some day: 7 s into a spike window, 7 s into the hour.
    let now = Date(timeIntervalSince1970: 1_700_002_800 + 7)

    /// The headers describe the limit the caller will hit first: here the spike limit, 1 left of 3, which
    /// resets at the end of its 10 s window.
    @Test func withinBothLimitsDescribesTheLimitHitFirst() {
        let decision = policy.decide(hourlyCount: 4, spikeCount: 2, now: now)
        #expect(decision.allowed)
        #expect(decision.limit == 3)
        #expect(decision.remaining == 1)
        #expect(decision.retryAfter == 0)
        #expect(decision.reset == 1_700_002_800 + 10)
    }

    /// With fewer requests left in the hour than in the spike window, the hourly limit is the one described.
    @Test func nearTheHourlyLimitDescribesTheHour() {
        let decision = policy.decide(hourlyCount: 9, spikeCount: 1, now: now)
        #expect(decision.allowed)
        #expect(decision.limit == 10)
        #expect(decision.remaining == 1)
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
        #expect(decision.limit == 3, "a 429 describes the limit that was hit")
        #expect(decision.remaining == 0, "a client that pauses at 0 pauses")
        #expect(decision.reset == 1_700_002_810, "the end of the spike window, not of the hour")
    }

    @Test func overTheHourWaitsForTheHour() {
        let decision = policy.decide(hourlyCount: 11, spikeCount: 1, now: now)
        #expect(!decision.allowed)
        #expect(decision.remaining == 0)
        #expect(decision.limit == 10)
        #expect(decision.reset == 1_700_002_800 + 3600)
        #expect(decision.retryAfter == 3600 - 7)
    }

    @Test func windowsStartOnTheirBoundaries() {
        #expect(policy.hourWindow(now) == 1_700_002_800)
        #expect(policy.spikeWindowStart(now) == 1_700_002_800)
        #expect(policy.spikeWindowStart(now.addingTimeInterval(3)) == 1_700_002_810)
    }
}
