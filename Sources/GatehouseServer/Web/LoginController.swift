import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `/login`, `/logout`, the signed-in home page and the company switcher.
///
/// CSRF on the sign-in form: a double-submit token. GET sets a random cookie and puts the same value in the
/// form; POST must present both, compared in constant time. After sign-in every form carries the session's own
/// CSRF token instead (see ``ConsoleSession``). Session cookies are `HttpOnly; SameSite=Lax`, and `Secure` with
/// the `__Host-` prefix behind TLS; only the session id's hash is stored.
struct LoginController<Store: PersonStore & SessionStore & AuditStore & DirectoryStore & CompanyStore>: Sendable {
    let sessions: Sessions<Store>
    let renderer: Renderer
    let configuration: GatehouseConfiguration
    let failures: FailureLimiter

    func addRoutes(public group: RouterGroup<AppRequestContext>, signedIn: RouterGroup<ConsoleRequestContext>) {
        group.get("login", use: loginForm)
        group.post("login", use: login)
        group.post("logout", use: logout)
        signedIn.get("/", use: home)
        signedIn.get("switch", use: switchCompany)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .lax)
    }

    private func renderLogin(next: String? = nil, email: String = "", error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let csrf = RandomToken.base64URL(byteCount: 24)
        let page = Page.Login(csrf: csrf, email: email, error: error, notice: notice, next: next)
        var response = Renderer.html(renderer.render(page, title: "Sign in", frame: .init()), status: status)
        response.setCookie(cookie(configuration.csrfCookieName, csrf, maxAge: 3600))
        return response
    }

    /// `?ended=1` after a session ended on its own, `?signed_out=1` after signing out; `next` is where to return.
    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let notice: String? = if query.get("ended") != nil {
            "Your session ended, so you were signed out. Sign in again to continue where you were."
        } else if query.get("signed_out") != nil {
            "You signed out."
        } else {
            nil
        }
        return renderLogin(next: ReturnPath.validated(query.get("next")), notice: notice)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        let next = ReturnPath.validated(form["next"])
        guard let cookieToken = request.cookies[configuration.csrfCookieName]?.value, let formToken = form["csrf_token"],
              constantTimeEquals(cookieToken, formToken)
        else {
            return renderLogin(next: next, error: "Your sign-in form expired. Please try again.", status: .forbidden)
        }
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        guard !email.isEmpty, !password.isEmpty else {
            return renderLogin(next: next, email: email, error: "Enter your email and password.", status: .unprocessableContent)
        }
        let address = context.remoteAddressString
        // Longer than any stored email or bcrypt password could be: refused before any lookup, as a failure.
        guard email.utf8.count <= 254, password.utf8.count <= 72 else {
            await failures.recordFailure(.login, credential: String(email.utf8.prefix(254)) ?? "", address: address)
            return renderLogin(next: next, email: "", error: "Invalid email or password.", status: .unauthorized)
        }
        if let wait = failures.retryAfter(.login, credential: email, address: address) {
            var response = renderLogin(next: next, email: email, error: "Too many failed sign-ins. Wait \(wait) seconds, then try again.", status: .tooManyRequests)
            response.headers[.retryAfterHeader] = "\(wait)"
            return response
        }
        do {
            let (value, signedIn) = try await sessions.signIn(email: email, password: password, caller: context.caller(.operator(name: nil)))
            let destination = if let next { next } else { try await landing(for: signedIn.person.id) }
            var response = Renderer.redirect(destination)
            response.setCookie(cookie(configuration.sessionCookieName, value, maxAge: Int(configuration.sessionLifetime)))
            return response
        } catch SignInRefusal.busy {
            var response = renderLogin(next: next, email: email, error: "Sign-in is busy right now. Please try again in a moment.", status: .serviceUnavailable)
            response.headers[.retryAfterHeader] = "1"
            return response
        } catch SignInRefusal.serviceAccount {
            return renderLogin(next: next, email: email, error: "Service accounts cannot log in: their contact only holds the account's permissions.", status: .forbidden)
        } catch {
            await failures.recordFailure(.login, credential: email, address: address)
            return renderLogin(next: next, email: email, error: "Invalid email or password.", status: .unauthorized)
        }
    }

    /// Signing in lands on the Service Accounts page of the first company the user administers.
    private func landing(for personID: Int64) async throws -> String {
        guard let company = try await sessions.administeredCompanies(personID: personID).first else { return "/" }
        return "/companies/\(company.id)/service_accounts"
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        if let value = request.cookies[configuration.sessionCookieName]?.value, let signedIn = try await sessions.resolve(cookie: value),
           let token = form["csrf_token"], constantTimeEquals(token, signedIn.session.csrfToken) {
            try await sessions.signOut(signedIn)
        }
        var response = Renderer.redirect("/login?signed_out=1")
        response.setCookie(cookie(configuration.sessionCookieName, "", maxAge: 0))
        return response
    }

    @Sendable func home(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let person = context.signedIn.person
        let page = Page.Home(name: person.name, email: person.email, hasCompanies: !context.adminCompanies.isEmpty,
                             companies: context.adminCompanies.map { .init(id: $0.id, name: $0.name) })
        return Renderer.html(renderer.render(page, title: "Home", frame: context.frame()))
    }

    /// The company switcher's target: a GET form, so it works without JavaScript.
    @Sendable func switchCompany(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        // A repeated or unknown choice goes home, like a company that is not the user's.
        let chosen = (try? request.query.text("company")) ?? nil
        guard let id = chosen.flatMap(RequestNumber.id), context.adminCompanies.contains(where: { $0.id == id }) else {
            return Renderer.redirect("/")
        }
        return Renderer.redirect("/companies/\(id)/service_accounts")
    }

    /// The token endpoint's form parser; a malformed or repeated field yields an empty form, which then fails
    /// the CSRF check like any other bad post.
    static func form(_ request: inout Request, context: AppRequestContext) async throws -> [String: String] {
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return (try? FormURLEncoded.parse(String(buffer: body))) ?? [:]
    }
}
