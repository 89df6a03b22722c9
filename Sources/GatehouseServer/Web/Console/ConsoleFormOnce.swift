import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// One submit, one effect. Every console form carries a one-time token (``FormTokenScope``). The first post of a
/// form claims it; a second post of the same form (a double click, a resent page, a retry after a slow answer)
/// does nothing and is sent where the first led, with a flash saying so. The claim is keyed by token, session and
/// action, so the same token on two forms of one page never collides. A refused post (4xx) releases its claim:
/// the corrected form may be sent again. Runs after ``ConsoleCSRF``, which has read the form; the rule itself is
/// ``FormSubmissions``'.
struct ConsoleFormOnce<Store: FormSubmissionStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let submissions: FormSubmissions<Store>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let signedIn = context.signedIn, let token = context.form["form_token"], !token.isEmpty else {
            return try await next(request, context)
        }
        let claim = try await submissions.claim(token: token, session: signedIn.session.csrfToken, action: request.uri.path)
        switch claim.outcome {
        case .first:
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                await submissions.finish(claim, ledTo: nil)
                throw error
            }
            await submissions.finish(claim, ledTo: response.status.code < 400 ? (response.headers[.location] ?? response.headers[.contentLocation]) : nil)
            return response
        case .repeated(let location):
            // Where the first post led, without its own flash code; else back to the page the form was on.
            let target = location.map { String($0.prefix { $0 != "?" }) } ?? ReturnPath.validated(Self.refererPath(request)) ?? "/"
            return Renderer.redirect(target + "?done=already-sent")
        }
    }

    private static func refererPath(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = URLComponents(string: referer) else { return nil }
        return url.path.isEmpty ? nil : url.path
    }
}
