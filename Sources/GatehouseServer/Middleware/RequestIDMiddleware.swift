import GatehouseCore
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-Id` when it is a sane one), attaches it to the request's
/// logger and echoes it on the response; and sets the issuer every absolute link is built from.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let issuer: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { id in
            id.count <= 64 && id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) ? id : nil
        }
        context.requestID = incoming ?? RandomToken.hex(byteCount: 8)
        context.issuer = issuer
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }
}
