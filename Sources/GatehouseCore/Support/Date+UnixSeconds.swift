import Foundation

extension Date {
    /// Whole Unix seconds, saturating at the ends of `Int64`: `Int64(_:)` of a `Double` traps on NaN, infinity
    /// and anything past 2^63, and a date can come from a request or a file. Never traps.
    public var unixSeconds: Int64 {
        let seconds = timeIntervalSince1970.rounded(.down)
        if seconds.isNaN { return 0 }
        if seconds >= 0x1p63 { return .max }   // 2^63: the first Double past Int64.max
        if seconds < -0x1p63 { return .min }
        return Int64(seconds)
    }

    public init(unixSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixSeconds)) }
}
