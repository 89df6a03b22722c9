/// A map bounded by two generations: when the current one fills, it becomes the previous one and what nobody
/// read since is dropped; a hit in the previous generation moves forward. A full map so sheds its least
/// recently used half, never everything at once (which would make every caller miss in the same instant).
///
/// A value type with no lock of its own: each cache keeps one behind its `Mutex`.
public struct GenerationalMap<Key: Hashable, Value> {
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    /// Entries per generation; at most twice this are held.
    private let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { current.count + previous.count }

    public mutating func get(_ key: Key) -> Value? {
        if let value = current[key] { return value }
        guard let value = previous.removeValue(forKey: key) else { return nil }
        set(value, for: key)
        return value
    }

    public mutating func set(_ value: Value, for key: Key) {
        if current.count >= capacity, current[key] == nil {
            previous = current
            current = [:]
        }
        current[key] = value
    }

    public mutating func remove(_ key: Key) {
        current[key] = nil
        previous[key] = nil
    }
}

extension GenerationalMap: Sendable where Key: Sendable, Value: Sendable {}
