import Foundation

/// A project of one company, with the fields Procore's project bodies carry.
public struct Project: Sendable, Equatable {
    public var id: Int64
    public var companyID: Int64
    public var name: String
    public var displayName: String
    public var projectNumber: String?
    public var active: Bool
    public var stage: String?
    public var address: String?
    public var city: String?
    public var stateCode: String?
    public var countryCode: String?
    public var zip: String?
    public var timeZone: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64 = 0, companyID: Int64, name: String, displayName: String? = nil, projectNumber: String? = nil,
        active: Bool = true, stage: String? = nil, address: String? = nil, city: String? = nil,
        stateCode: String? = nil, countryCode: String? = nil, zip: String? = nil, timeZone: String? = nil,
        createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.id = id
        self.companyID = companyID
        self.name = name
        self.displayName = displayName ?? (projectNumber.map { "\($0) - \(name)" } ?? name)
        self.projectNumber = projectNumber
        self.active = active
        self.stage = stage
        self.address = address
        self.city = city
        self.stateCode = stateCode
        self.countryCode = countryCode
        self.zip = zip
        self.timeZone = timeZone
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
