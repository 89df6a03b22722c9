import Foundation
import Hummingbird
import Logging

/// Writes the one access-log line per request, after ``ErrorRenderingMiddleware`` has turned any error into its
/// response, so the line carries the status the client saw. The line names the path only, never the query
/// string or a header, so a secret a client puts in a URL or an Authorization header cannot reach the logs.
///
/// With an ``AccessLog`` (as `gatehouse serve` runs) the line is queued and written in batches off the request
/// path; without one (an embedding application, the tests) it goes through the request's logger.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let log: AccessLog?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch {
            // Only when rendering an error itself failed; the server answers 500.
            record(request, context, status: 500)
            throw error
        }
        record(request, context, status: status)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int) {
        guard context.logger.logLevel <= .info else { return }
        if let log {
            log.record(.init(time: Date(), method: request.method.rawValue, path: request.uri.path, status: status, requestID: context.requestID))
        } else {
            context.logger.info("request", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)"])
        }
    }
}
