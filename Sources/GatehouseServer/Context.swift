import GatehouseCore
import Hummingbird
import Logging
import NIOCore

/// The request context for every Gatehouse route.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Where the request came from; recorded in the audit log.
    public let remoteAddress: SocketAddress?
    /// Set by ``RequestIDMiddleware``; echoed as `X-Request-Id` and attached to logs and audit entries.
    public var requestID: String = ""
    /// The authenticated admin actor, set by the admin authenticator.
    public var adminActor: String?
    /// The REST caller, set by ``BearerAuthenticator`` once the token and company are checked.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are small JSON or forms; refuse anything large before buffering it.
    public var maxUploadSize: Int { 64 * 1024 }

    var remoteAddressString: String? {
        remoteAddress?.ipAddress
    }
}
