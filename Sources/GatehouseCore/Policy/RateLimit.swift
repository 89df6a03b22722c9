import Foundation

/// Procore-style limits per client and company: an hourly budget and a short spike budget, both fixed windows.
public struct RateLimitPolicy: Sendable, Equatable {
    public var hourly: Int
    public var spike: Int
    public var spikeWindow: Int

    public init(hourly: Int = 3600, spike: Int = 200, spikeWindow: Int = 10) {
        self.hourly = hourly
        self.spike = spike
        self.spikeWindow = spikeWindow
    }

    /// Turns the two window counts (after counting this request) into a decision that describes the limit the
    /// caller will hit first, as Procore's rate-limiting docs tell clients to read it: the one with fewer requests
    /// left, and on a 429 the one that was hit (`remaining` 0, `reset` at that window's end). A client that
    /// pauses when Remaining reaches 0 then pauses before either limit refuses it.
    public func decide(hourlyCount: Int, spikeCount: Int, now: Date) -> RateLimitDecision {
        let t = now.unixSeconds
        let hourReset = hourWindow(now) + 3600
        let spikeReset = spikeWindowStart(now) + Int64(spikeWindow)
        if hourlyCount > hourly {
            return RateLimitDecision(allowed: false, limit: hourly, remaining: 0, reset: hourReset, retryAfter: Int(hourReset - t))
        }
        if spikeCount > spike {
            return RateLimitDecision(allowed: false, limit: spike, remaining: 0, reset: spikeReset, retryAfter: Int(spikeReset - t))
        }
        let hourlyLeft = max(0, hourly - hourlyCount), spikeLeft = max(0, spike - spikeCount)
        if spikeLeft < hourlyLeft {
            return RateLimitDecision(allowed: true, limit: spike, remaining: spikeLeft, reset: spikeReset, retryAfter: 0)
        }
        return RateLimitDecision(allowed: true, limit: hourly, remaining: hourlyLeft, reset: hourReset, retryAfter: 0)
    }

    public func hourWindow(_ now: Date) -> Int64 { now.unixSeconds / 3600 * 3600 }
    public func spikeWindowStart(_ now: Date) -> Int64 { now.unixSeconds / Int64(spikeWindow) * Int64(spikeWindow) }
}

public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Unix time when the window that `limit` describes resets.
    public var reset: Int64
    /// Seconds until the exceeded window resets; 0 when allowed.
    public var retryAfter: Int
}
