/// How many failed authentications (wrong secrets, wrong passwords, wrong operator tokens) are allowed before
/// the next attempt must wait, and how long it waits.
///
/// Failures are counted per source address, and per credential *and* source address. So an attacker at one
/// address slows only themselves: a client presenting the same `client_id` from another address is untouched.
public struct FailurePolicy: Sendable, Equatable {
    /// Failures per (credential, address) in one window before attempts must wait.
    public var perCredential: Int
    /// Failures per address, across credentials, in one window.
    public var perAddress: Int
    /// The counting window, in seconds.
    public var window: Int
    /// The first wait, in seconds; it doubles with each further failure, up to `maxDelay`.
    public var baseDelay: Int
    public var maxDelay: Int

    public init(perCredential: Int = 5, perAddress: Int = 50, window: Int = 600, baseDelay: Int = 2, maxDelay: Int = 900) {
        self.perCredential = perCredential
        self.perAddress = perAddress
        self.window = window
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait after `failures` failures against `limit`; nil while under the limit.
    public func delay(failures: Int, limit: Int) -> Int? {
        guard failures >= limit else { return nil }
        let doublings = min(failures - limit, 20)
        return min(maxDelay, baseDelay << doublings)
    }

    public func windowStart(_ unixSeconds: Int64) -> Int64 { unixSeconds / Int64(window) * Int64(window) }
}
