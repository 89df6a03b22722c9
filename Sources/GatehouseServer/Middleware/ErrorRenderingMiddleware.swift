import Hummingbird
import Logging

/// Turns whatever the routes throw into the response the client gets, in the API's JSON shape (or the
/// console's page, through ``APIError``'s own rendering):
/// - an unmatched request: 405 with `Allow` when the path is served under other methods, else 404;
/// - an ``HTTPResponseError``: its own response;
/// - anything else: a 500 that names nothing internal, logged at `error` with the error's type only.
///
/// It also refuses a URL with an encoded NUL with 400 before a handler sees it, and gives a 401 without a
/// challenge (only the console's sign-in page sends one) `WWW-Authenticate`, so no 401 leaves without one
/// (RFC 9110 §15.5.2).
struct ErrorRenderingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable
    /// The console's HTML page for an unmatched request from a browser; nil (or a nil answer) keeps the JSON error.
    var browserPage: (@Sendable (Request, AppRequestContext, _ allowed: [String]) async -> Response?)? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        do {
            // Only on a method the path serves: any other request never reaches a handler, and answers 405 or 404
            // below like every unmatched one (schemathesis sends TRACE with %00 and expects 405).
            if request.urlHasEncodedNUL, routes.allowedMethods(for: path).contains(request.method.rawValue) {
                throw APIError.badRequest("the URL must not contain a NUL character (%00)", code: "invalid_request", fields: ["url": "contains %00"])
            }
            var response = try await next(request, context)
            if response.status == .unauthorized, response.headers[.wwwAuthenticate] == nil {
                // The sign-in form: a challenge naming the form, which browsers do not turn into a dialog.
                response.headers[.wwwAuthenticate] = "Form realm=\"gatehouse\""
            }
            return response
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // No route matched: answer in the API's JSON shape, like every other error, instead of an empty body.
            let allowed = routes.allowedMethods(for: path)
            if let browserPage, let page = await browserPage(request, context, allowed) { return page }
            let error = allowed.isEmpty
                ? APIError(.notFound, code: "not_found", message: "no such endpoint: \(request.method) \(path)")
                : APIError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))",
                           headers: [.allow: allowed.joined(separator: ", ")])
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["method": "\(request.method)", "path": "\(path)", "error": "\(String(reflecting: type(of: error)))"])
            return try APIError(.internalServerError, code: "internal_error", message: "internal error").response(from: request, context: context)
        }
    }
}
