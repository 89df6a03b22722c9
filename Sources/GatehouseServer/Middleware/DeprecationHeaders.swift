import Foundation
import GatehouseCore
import Hummingbird

/// Step 2 of a `/rest` call: every answer to a traditional account's token carries the `Deprecation` and
/// `Sunset` headers once the policy has deprecated such accounts, errors included.
///
/// It sits right after bearer authentication, before company resolution and rate limiting, so that their
/// early 400, 403 and 429 answers carry the headers too: they are what a client is most likely to log.
/// It adds no `Link`: on `/rest`, `Link` holds page links only, as Procore's Ruby SDK requires.
struct DeprecationHeaders: RouterMiddleware {
    typealias Context = AppRequestContext
    let policy: SunsetPolicy
    let clock: any GatehouseCore.Clock
    /// Computed once: they depend on the policy alone.
    let headers: HTTPFields

    init(policy: SunsetPolicy, clock: any GatehouseCore.Clock, issuer: String) {
        self.policy = policy
        self.clock = clock
        self.headers = Deprecation.Headers(policy: policy, issuer: issuer).rest
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.token?.isTraditional == true, policy.isDeprecated(at: clock.now) else {
            return try await next(request, context)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for field in headers { response.headers[field.name] = field.value }
        return response
    }
}
