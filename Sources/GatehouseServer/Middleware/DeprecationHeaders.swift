import Foundation
import GatehouseCore
import Hummingbird

/// Step 2 of a `/rest` call: every answer to a traditional account's token carries the `Deprecation`,
/// `Sunset` and `Link` headers once the policy has deprecated such accounts, errors included.
///
/// It sits right after bearer authentication, before company resolution and rate limiting, so that their
/// early 400, 403 and 429 answers carry the headers too: they are what a client is most likely to log.
/// Its `Link` joins any `Link` the handler set (pagination), so a list sends one header, not two.
struct DeprecationHeaders: RouterMiddleware {
    typealias Context = AppRequestContext
    let policy: SunsetPolicy
    let clock: any GatehouseCore.Clock
    let issuer: String

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
        for field in Deprecation.headers(policy: policy, issuer: issuer) {
            if field.name == .link, let existing = response.headers[.link] {
                response.headers[.link] = "\(existing), \(field.value)"
            } else {
                response.headers[field.name] = field.value
            }
        }
        return response
    }
}
