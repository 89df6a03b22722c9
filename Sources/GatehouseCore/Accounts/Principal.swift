/// Who a REST call acts as: a service account's directory contact in one company.
///
/// For a traditional account the company is fixed; for an app (DMSA) it is the company chosen by the
/// call's `Procore-Company-Id`, and the contact is that installation's contact.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case traditional
        case app
    }

    public var kind: Kind
    public var clientID: String
    public var contactID: Int64
    public var companyID: Int64
    public var appID: Int64?

    public init(kind: Kind, clientID: String, contactID: Int64, companyID: Int64, appID: Int64? = nil) {
        self.appID = appID
        self.kind = kind
        self.clientID = clientID
        self.contactID = contactID
        self.companyID = companyID
    }
}
