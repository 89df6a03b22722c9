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

    /// Turns the two window counts (after counting this request) into a decision.
    public func decide(hourlyCount: Int, spikeCount: Int, now: Date) -> RateLimitDecision {
        let t = Int64(now.timeIntervalSince1970)
        let hourReset = (t / 3600 + 1) * 3600
        let spikeReset = (t / Int64(spikeWindow) + 1) * Int64(spikeWindow)
        let remaining = max(0, hourly - hourlyCount)
        if hourlyCount > hourly {
            return RateLimitDecision(allowed: false, limit: hourly, remaining: 0, reset: hourReset, retryAfter: Int(hourReset - t))
        }
        if spikeCount > spike {
            return RateLimitDecision(allowed: false, limit: hourly, remaining: remaining, reset: hourReset, retryAfter: Int(spikeReset - t))
        }
        return RateLimitDecision(allowed: true, limit: hourly, remaining: remaining, reset: hourReset, retryAfter: 0)
    }

    public func hourWindow(_ now: Date) -> Int64 { Int64(now.timeIntervalSince1970) / 3600 * 3600 }
    public func spikeWindowStart(_ now: Date) -> Int64 { Int64(now.timeIntervalSince1970) / Int64(spikeWindow) * Int64(spikeWindow) }
}

public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Unix time when the hourly window resets.
    public var reset: Int64
    /// Seconds until the exceeded window resets; 0 when allowed.
    public var retryAfter: Int
}
