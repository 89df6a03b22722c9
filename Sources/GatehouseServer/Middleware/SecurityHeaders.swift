import Hummingbird

/// Every HTML answer of the console and the sign-in page: no framing, no sniffing, no referrer across sites,
/// and a policy that allows only our own stylesheet and script (no inline script at all).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response)
        return response
    }

    /// The headers of every HTML page, for pages rendered outside this middleware's group (the 404 and 405 pages).
    static func apply(to response: inout Response) {
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicyHeader] = "same-origin"
        response.headers[.xFrameOptionsHeader] = "DENY"
    }
}
