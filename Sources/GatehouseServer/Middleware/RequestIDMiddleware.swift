import GatehouseCore
import Hummingbird
import Logging

/// Gives every request an id, attaches it to the logger and echoes it as `X-Request-Id`.
///
/// It also writes the one access-log line per request. The line carries the path only, never the query
/// string or headers, so a secret a client puts in a URL or an Authorization header cannot reach the logs.
///
/// A URL with an encoded NUL is refused here with 400, before any route sees it.
///
/// An unmatched request answers JSON: 405 with `Allow` when the path is served under other methods, else 404.
/// A 401 without a challenge (only the console's sign-in page sends one) gets `WWW-Authenticate` here, so no
/// 401 leaves without one (RFC 9110 §15.5.2).
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable
    let issuer: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { id in
            id.count <= 64 && id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) ? id : nil
        }
        context.requestID = incoming ?? RandomToken.hex(byteCount: 8)
        context.issuer = issuer
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        let path = request.uri.path
        do {
            // Only on a method the path serves: any other request never reaches a handler, and answers 405 or 404
            // below like every unmatched one (schemathesis sends TRACE with %00 and expects 405).
            if request.urlHasEncodedNUL, routes.allowedMethods(for: path).contains(request.method.rawValue) {
                throw APIError.badRequest("the URL must not contain a NUL character (%00)", code: "invalid_request", fields: ["url": "contains %00"])
            }
            var response = try await next(request, context)
            response.headers[.requestID] = context.requestID
            if response.status == .unauthorized, response.headers[.wwwAuthenticate] == nil {
                // The sign-in form: a challenge naming the form, which browsers do not turn into a dialog.
                response.headers[.wwwAuthenticate] = "Form realm=\"gatehouse\""
            }
            context.logger.info("request", metadata: ["method": "\(request.method)", "path": "\(path)", "status": "\(response.status.code)"])
            return response
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // No route matched: answer in the API's JSON shape, like every other error, instead of an empty body.
            let allowed = routes.allowedMethods(for: path)
            let error = allowed.isEmpty
                ? APIError(.notFound, code: "not_found", message: "no such endpoint: \(request.method) \(path)")
                : APIError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))",
                           headers: [.allow: allowed.joined(separator: ", ")])
            context.logger.info("request", metadata: ["method": "\(request.method)", "path": "\(path)", "status": "\(error.status.code)"])
            var response = try error.response(from: request, context: context)
            response.headers[.requestID] = context.requestID
            return response
        } catch let error as any HTTPResponseError {
            context.logger.info("request", metadata: ["method": "\(request.method)", "path": "\(path)", "status": "\(error.status.code)"])
            var response = try error.response(from: request, context: context)
            response.headers[.requestID] = context.requestID
            return response
        } catch {
            context.logger.error("request failed", metadata: ["method": "\(request.method)", "path": "\(path)", "error": "\(String(reflecting: type(of: error)))"])
            var response = try APIError(.internalServerError, code: "internal_error", message: "internal error").response(from: request, context: context)
            response.headers[.requestID] = context.requestID
            return response
        }
    }
}
