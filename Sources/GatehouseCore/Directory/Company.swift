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

/// A change to a company, as the admin API receives it: absent keys keep their value.
public struct CompanyPatch: Sendable, Decodable {
    public var name: String?
    public var is_active: Bool?

    public init(name: String? = nil, is_active: Bool? = nil) {
        self.name = name
        self.is_active = is_active
    }
}
