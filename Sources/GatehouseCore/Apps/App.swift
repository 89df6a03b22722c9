import Foundation

/// A developer's app: one credential pair for every company that installs it.
public struct App: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var client: OAuthClient
    public var createdAt: Date
    /// The developer who created it; nil for apps an operator created. Owners and collaborators manage the app.
    public var ownerID: Int64?
    /// The marketplace listing: what the app does, and whether its developer lists it.
    public var description: String?
    public var isListed: Bool

    public init(id: Int64, name: String, client: OAuthClient, createdAt: Date, ownerID: Int64? = nil, description: String? = nil, isListed: Bool = false) {
        self.id = id
        self.name = name
        self.client = client
        self.createdAt = createdAt
        self.ownerID = ownerID
        self.description = description
        self.isListed = isListed
    }
}

public struct AppVersion: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case readyForTesting = "ready_for_testing"
        case promoted
    }

    public var id: Int64
    public var appID: Int64
    public var version: String
    /// What a company admin types to install this version.
    public var versionKey: String
    public var manifest: Manifest
    public var status: Status
    public var createdAt: Date

    public init(id: Int64, appID: Int64, version: String, versionKey: String, manifest: Manifest, status: Status, createdAt: Date) {
        self.id = id
        self.appID = appID
        self.version = version
        self.versionKey = versionKey
        self.manifest = manifest
        self.status = status
        self.createdAt = createdAt
    }

    public var isDMSA: Bool { manifest.isServiceAccount }
}

/// An app version installed in a company, with the DMSA contact it created there.
public struct Installation: Sendable, Equatable {
    public var id: Int64
    public var appID: Int64
    public var companyID: Int64
    public var versionID: Int64
    public var contactID: Int64
    public var isActive: Bool
    public var createdAt: Date

    public init(id: Int64, appID: Int64, companyID: Int64, versionID: Int64, contactID: Int64, isActive: Bool, createdAt: Date) {
        self.id = id
        self.appID = appID
        self.companyID = companyID
        self.versionID = versionID
        self.contactID = contactID
        self.isActive = isActive
        self.createdAt = createdAt
    }
}
