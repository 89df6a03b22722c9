/// Who asks for an operation. Every service operation takes one, so the audit log names the same actor
/// whichever door (admin API, console, CLI over the admin API) the request came through.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    /// The deployment operator: `GATEHOUSE_ADMIN_TOKEN` (no name) or a named token from `gatehouse admin-token create`.
    case `operator`(name: String?)
    /// An operator applying a document (`POST /admin/v1/apply`, `serve --apply`): audited as `apply:<token name>`,
    /// so every change a document made can be found apart from hand-made ones. It may do what an operator may.
    case applying(name: String)
    /// A signed-in human user, acting through a session.
    case user(personID: Int64)
    /// A service account's or app's directory contact, acting through the REST surface.
    case contact(personID: Int64)
    /// An OAuth client calling the token, revocation or introspection endpoint, by the client id it presented
    /// (whether or not its secret then verified).
    case client(clientID: String)
    /// A request that named no one: an OAuth call without a client id.
    case anonymous

    /// The audit log's spelling, stable across releases because operators filter on it.
    public var description: String {
        switch self {
        case .operator(let name): name.map { "operator:\($0)" } ?? "operator"
        case .applying(let name): "apply:\(name)"
        case .user(let id): "person:\(id)"
        case .contact(let id): "contact:\(id)"
        case .client(let id): "client:\(id)"
        case .anonymous: "anonymous"
        }
    }

    public var isOperator: Bool {
        switch self {
        case .operator, .applying: true
        default: false
        }
    }
}
