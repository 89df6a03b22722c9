import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Guards every console page: a live session (else the sign-in page), and the companies the user administers for
/// the switcher. Errors below it (``ConsoleCSRF``'s included) become pages in the same layout; no stack trace or
/// SQL ever reaches one.
struct ConsoleSession<Store: PersonStore & SessionStore & AuditStore & DirectoryStore & CompanyStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: Sessions<Store>
    let renderer: Renderer
    let cookieName: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let cookie = request.cookies[cookieName]?.value, let signedIn = try await sessions.resolve(cookie: cookie) else {
            return Self.signInAgain(request, hadSession: request.cookies[cookieName].map { !$0.value.isEmpty } ?? false)
        }
        var context = context
        context.signedIn = signedIn
        context.adminCompanies = try await sessions.administeredCompanies(personID: signedIn.person.id)
        let frame = Renderer.Frame(signedIn: signedIn, companies: context.adminCompanies)
        do {
            return try await next(request, context)
        } catch ConsoleError.csrf {
            return errorPage(.forbidden, "This form has expired", "The form was not sent from this session. Go back, reload the page and try again.", frame: frame, context: context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw error   // a body past the upload limit is refused as on every other route
        } catch ConsoleError.signInRequired {
            return Renderer.redirect("/login")
        } catch ConsoleError.forbidden(let message) {
            return errorPage(.forbidden, "You can't open this page", message, frame: frame, context: context)
        } catch ConsoleError.notFound(let what) {
            return errorPage(.notFound, "Not found", "There is no such \(what), or it belongs to a company you do not administer.", frame: frame, context: context)
        } catch let error as DomainError where error.code == .notFound {
            return errorPage(.notFound, "Not found", error.message.prefix(1).uppercased() + error.message.dropFirst() + ".", frame: frame, context: context)
        } catch let error as APIError where error.status == .badRequest {
            // A query parameter or form field the reader refused: the page says which, as the API does.
            return errorPage(.badRequest, "This address is not valid", error.message.prefix(1).uppercased() + error.message.dropFirst() + ".", frame: frame, context: context)
        } catch let error as any HTTPResponseError where error.status == .notFound || error.status == .badRequest {
            return errorPage(.notFound, "Not found", "This address does not name anything here.", frame: frame, context: context)
        } catch {
            context.logger.error("console page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return errorPage(.internalServerError, "Something went wrong", "The page could not be shown. Nothing was lost; try again in a moment.", frame: frame, context: context)
        }
    }

    /// The sign-in page, saying the session ended when there was one, and coming back to this page after (for a
    /// page read; a form post cannot be replayed, so it returns nowhere in particular).
    static func signInAgain(_ request: Request, hadSession: Bool) -> Response {
        var items: [URLQueryItem] = []
        if hadSession { items.append(URLQueryItem(name: "ended", value: "1")) }
        if request.method == .get || request.method == .head {
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            if let next = ReturnPath.validated(path) { items.append(URLQueryItem(name: "next", value: next)) }
        }
        var components = URLComponents()
        components.path = "/login"
        components.queryItems = items.isEmpty ? nil : items
        return Renderer.redirect(components.string ?? "/login")
    }

    func errorPage(_ status: HTTPResponse.Status, _ heading: String, _ message: String, frame: Renderer.Frame, context: Context) -> Response {
        let html = renderer.render(Page.Error(heading: heading, message: message, requestID: context.requestID), title: heading, frame: frame)
        return Renderer.html(html, status: status)
    }
}

/// Every console POST: its form read once, and its CSRF token checked against the signed-in session's, in
/// constant time. Its own job, right after ``ConsoleSession`` (which renders the refusal as a page), so that no
/// page handler sees a form whose token did not match.
struct ConsoleCSRF: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        guard let signedIn = context.signedIn else { throw ConsoleError.signInRequired }
        var request = request
        var context = context
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        context.form = (try? FormURLEncoded.parse(String(buffer: body))) ?? [:]
        guard let token = context.form["csrf_token"], constantTimeEquals(token, signedIn.session.csrfToken) else { throw ConsoleError.csrf }
        return try await next(request, context)
    }
}

/// Resolves `/companies/{cid}` for the console and checks the user administers that company. Anyone else gets
/// the 403 page, whether the company exists or not, so the console never confirms another tenant's ids.
struct ConsoleCompanyScope<Store: PersonStore & SessionStore & AuditStore & DirectoryStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: Sessions<Store>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let signedIn = context.signedIn else { throw ConsoleError.signInRequired }
        guard let id = context.parameters.get("cid").flatMap(RequestNumber.id) else { throw ConsoleError.notFound("company") }
        guard let company = context.adminCompanies.first(where: { $0.id == id }) else {
            throw ConsoleError.forbidden("Only a company admin of this company can open its Company Admin pages. Ask one of its admins to grant you the Admin tool at Admin level.")
        }
        // The switcher's list was read a moment ago; check access live, as every gate does.
        guard try await sessions.administers(company.id, personID: signedIn.person.id) else {
            throw ConsoleError.forbidden("You are no longer a company admin of this company.")
        }
        var context = context
        context.company = company
        return try await next(request, context)
    }
}
