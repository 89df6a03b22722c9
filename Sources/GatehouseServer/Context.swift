import GatehouseCore
import Hummingbird
import Logging
import NIOCore

/// What every Gatehouse context offers the audit log: the request id and the source address.
protocol GatehouseRequestContext: RequestContext {
    var requestID: String { get }
    /// The server's issuer URL (`https://gatehouse.example`): absolute links, such as page links, start with it.
    var issuer: String { get }
    var remoteAddressString: String? { get }
}

extension GatehouseRequestContext {
    func caller(_ actor: Actor) -> Caller { Caller(actor, remoteAddress: remoteAddressString, requestID: requestID) }
    /// Where a request came from, before anyone is known to have sent it: the OAuth door's service learns the
    /// client from the form and audits under it.
    var origin: Caller { caller(.anonymous) }
}

/// The request context for every Gatehouse route. Middleware fills in what it proves; the typed child
/// contexts below (``RESTRequestContext``, ``AdminRequestContext``, ``CompanyRequestContext``) turn those
/// optionals into values a handler can rely on.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext, GatehouseRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Where the request came from; recorded in the audit log.
    public let remoteAddress: SocketAddress?
    /// Set by ``RequestIDMiddleware``; echoed as `X-Request-Id` and attached to logs and audit entries.
    public var requestID: String = ""
    /// The issuer URL, set by ``RequestIDMiddleware`` for every request.
    public var issuer: String = ""
    /// The authenticated admin actor, set by ``AdminAuthenticator``.
    var adminActor: Actor?
    /// The company an admin route acts on, set by ``CompanyScope`` once the actor may act there.
    var company: Company?
    /// The verified bearer token of a REST call, set by ``BearerAuthenticator``.
    var token: VerifiedToken?
    /// The REST caller, set by ``PrincipalResolver`` once the company is checked.
    var principal: Principal?
    /// The console's signed-in user, set by ``ConsoleSession``.
    var signedIn: SignedIn?
    /// A console POST's form, read once by ``ConsoleSession`` (which checks its CSRF token).
    var form: [String: String] = [:]
    /// The companies the signed-in user administers, for the switcher.
    var adminCompanies: [Company] = []

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are small JSON or forms; refuse anything large before buffering it.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The client's address as ``ClientAddressMiddleware`` worked it out behind trusted proxies.
    var clientAddress: String?

    /// Where the request came from: the client behind trusted proxies, else the connection's peer.
    var remoteAddressString: String? { clientAddress ?? remoteAddress?.ipAddress }
}

/// A REST handler's context: the principal is proven, so it is not optional.
struct RESTRequestContext: ChildRequestContext, GatehouseRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let issuer: String
    let remoteAddressString: String?
    let principal: Principal

    init(context: AppRequestContext) throws {
        guard let principal = context.principal else {
            // Unreachable when the group's middleware ran; refuse rather than trust a missing check.
            throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required")
        }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.issuer = context.issuer
        self.remoteAddressString = context.remoteAddressString
        self.principal = principal
    }

    var maxUploadSize: Int { 64 * 1024 }
    var caller: Caller {
        Caller(.contact(personID: principal.contactID), remoteAddress: remoteAddressString, requestID: requestID, companyID: principal.companyID)
    }
}

/// An admin handler's context: the actor is authenticated.
struct AdminRequestContext: ChildRequestContext, GatehouseRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let issuer: String
    let remoteAddressString: String?
    let actor: Actor

    init(context: AppRequestContext) throws {
        guard let actor = context.adminActor else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token required")
        }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.issuer = context.issuer
        self.remoteAddressString = context.remoteAddressString
        self.actor = actor
    }

    var maxUploadSize: Int { 64 * 1024 }
    var caller: Caller { caller(actor) }
}

/// An admin handler under `/companies/{cid}`: the company exists and the actor may administer it.
struct CompanyRequestContext: ChildRequestContext, GatehouseRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let issuer: String
    let remoteAddressString: String?
    let actor: Actor
    let company: Company

    init(context: AppRequestContext) throws {
        guard let actor = context.adminActor, let company = context.company else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token required")
        }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.issuer = context.issuer
        self.remoteAddressString = context.remoteAddressString
        self.actor = actor
        self.company = company
    }

    var maxUploadSize: Int { 64 * 1024 }
    var caller: Caller { Caller(actor, remoteAddress: remoteAddressString, requestID: requestID, companyID: company.id) }
}
