import Foundation

/// A tenant.
public struct Company: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var isActive: Bool

    public init(id: Int64, name: String, isActive: Bool) {
        self.id = id
        self.name = name
        self.isActive = isActive
    }
}
