import Foundation

/// A global identity. Ids are global across companies, as in Procore.
public struct Person: Sendable, Equatable {
    /// A user logs in; a contact is the principal of a service account and never logs in.
    public enum Kind: String, Sendable, Codable {
        case user
        case serviceAccountContact = "service_account"
    }

    public var id: Int64
    public var kind: Kind
    public var firstName: String
    public var lastName: String
    public var email: String
    public var jobTitle: String?
    public var isActive: Bool
    /// For a contact, the only company whose directory it may ever join.
    public var homeCompanyID: Int64?

    public init(
        id: Int64 = 0, kind: Kind, firstName: String, lastName: String, email: String,
        jobTitle: String? = nil, isActive: Bool = true, homeCompanyID: Int64? = nil
    ) {
        self.id = id
        self.kind = kind
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.jobTitle = jobTitle
        self.isActive = isActive
        self.homeCompanyID = homeCompanyID
    }

    public var name: String { [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ") }
    public var canLogIn: Bool { kind == .user }
}
