import Foundation

/// The OAuth client behind either a traditional service account or an app.
///
/// `generation` is embedded in every token; bumping it (reset, disable, delete) invalidates all tokens
/// issued before, even though they are self-contained JWTs.
public struct OAuthClient: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case serviceAccount = "service_account"
        case app
    }

    public var id: Int64
    public var clientID: String
    public var kind: Kind
    public var generation: Int64
    public var isEnabled: Bool

    public init(id: Int64, clientID: String, kind: Kind, generation: Int64, isEnabled: Bool) {
        self.id = id
        self.clientID = clientID
        self.kind = kind
        self.generation = generation
        self.isEnabled = isEnabled
    }
}

/// A stored secret of a client. At most two are active at once, during a rotation.
public struct StoredSecret: Sendable, Equatable {
    public var id: Int64
    public var hash: String
    public var createdAt: Date
    public var expiresAt: Date?

    public init(id: Int64, hash: String, createdAt: Date, expiresAt: Date?) {
        self.id = id
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public func isActive(at now: Date) -> Bool { expiresAt.map { $0 > now } ?? true }
}

/// A traditional service account: one company, its own credentials, one auto-created contact.
public struct ServiceAccount: Sendable, Equatable {
    public enum AppType: String, Sendable, Codable, CaseIterable {
        case custom
        case marketplace

        /// The kind in words, as the console shows it.
        public var displayName: String {
            switch self {
            case .custom: "Custom integration"
            case .marketplace: "Marketplace app"
            }
        }
    }

    public var id: Int64
    public var companyID: Int64
    public var name: String
    public var appType: AppType
    public var appID: Int64?
    public var contactID: Int64
    public var client: OAuthClient
    public var createdAt: Date
    /// An operator linked this account to its app (any app); a company admin can link only a listed one.
    public var appLinkedByOperator: Bool

    public init(
        id: Int64, companyID: Int64, name: String, appType: AppType, appID: Int64?, contactID: Int64,
        client: OAuthClient, createdAt: Date, appLinkedByOperator: Bool = false
    ) {
        self.appLinkedByOperator = appLinkedByOperator
        self.id = id
        self.companyID = companyID
        self.name = name
        self.appType = appType
        self.appID = appID
        self.contactID = contactID
        self.client = client
        self.createdAt = createdAt
    }
}
