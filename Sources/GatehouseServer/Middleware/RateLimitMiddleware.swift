import Foundation
import GatehouseCore
import Hummingbird

/// Step 4 of a `/rest` call: Procore's limits per client and company, with `X-Rate-Limit-*` on every answer
/// (errors included) and 429 with `Retry-After` past the limit.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: RateLimiter
    let clock: any GatehouseCore.Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = context.principal else { throw APIError(.unauthorized, code: "unauthorized", message: "Bearer token required") }
        let limit = try await limiter.hit(clientID: principal.clientID, companyID: principal.companyID, now: clock.now)
        let headers = Self.headers(limit)
        guard limit.allowed else {
            throw APIError(.tooManyRequests, code: "rate_limited", message: "Rate limit exceeded; retry after \(limit.retryAfter) s", headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers.append(contentsOf: headers)
        return response
    }

    /// `X-Rate-Limit-*` for a decision, and `Retry-After` on a refusal: the one place these headers are written.
    static func headers(_ limit: RateLimitDecision) -> HTTPFields {
        var headers: HTTPFields = [
            .rateLimitLimit: "\(limit.limit)", .rateLimitRemaining: "\(limit.remaining)", .rateLimitReset: "\(limit.reset)",
        ]
        if !limit.allowed { headers[.retryAfterHeader] = "\(limit.retryAfter)" }
        return headers
    }
}
