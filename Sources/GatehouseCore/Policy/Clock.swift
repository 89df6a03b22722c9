import Foundation
import Synchronization

/// The source of "now" for every time-based rule, so tests can walk through sunset phases and expiries.
public protocol Clock: Sendable {
    var now: Date { get }
}

public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only when told to. Used by tests, which walk through expiries and sunset phases with it;
/// the server and the demo run on ``SystemClock``.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) { self.current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}
