import Crypto
import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import NIOCore
import NIOPosix

/// `/login`, `/logout` and the signed-in home page.
///
/// CSRF: a double-submit token. GET sets a random `gh_csrf` cookie and puts the same value in the form; POST
/// must present both, compared in constant time. A cross-site form cannot read the cookie, so it cannot match.
/// Sessions: a random id in an `HttpOnly; SameSite=Lax` cookie (`Secure` behind TLS); only its hash is stored.
struct LoginController<Repository: PersonStore & SessionStore & AuditStore>: Sendable {
    let repository: Repository
    let auditor: Auditor<Repository>
    let passwords: PasswordHasher
    let configuration: GatehouseConfiguration
    /// A real hash at the configured cost, verified against when the email is unknown, so a login for a
    /// missing user takes as long as one for a real user.
    let dummyHash: String
    static var sessionLifetime: TimeInterval { 8 * 3600 }

    var secureCookies: Bool { configuration.resolvedIssuer.lowercased().hasPrefix("https://") }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("/", use: home)
    }

    private func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    private func renderLogin(csrf: String, email: String = "", error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["csrf": csrf, "email": email]
        if let error { values["error"] = error }
        var response = html(Templates.page("login", title: "Sign in", values), status: status)
        response.setCookie(cookie("gh_csrf", csrf, maxAge: 3600))
        return response
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderLogin(csrf: RandomToken.base64URL(byteCount: 24))
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        let freshCSRF = RandomToken.base64URL(byteCount: 24)
        guard let cookieToken = request.cookies["gh_csrf"]?.value, let formToken = form["csrf_token"],
              constantTimeEquals(cookieToken, formToken)
        else {
            return renderLogin(csrf: freshCSRF, error: "Your session expired. Please try again.", status: .forbidden)
        }
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        guard !email.isEmpty, !password.isEmpty else {
            return renderLogin(csrf: freshCSRF, email: email, error: "Enter your email and password.", status: .unprocessableContent)
        }
        let found = try await repository.login(email: email)
        if let found, !found.person.canLogIn {
            await auditor.record("login", by: context.caller(.contact(personID: found.person.id)), target: nil, outcome: "refused", detail: "service account contact")
            return renderLogin(csrf: freshCSRF, email: email, error: "Service accounts cannot log in.", status: .forbidden)
        }
        let hash = found?.passwordHash
        let dummyHash = self.dummyHash
        // Verify against a fixed hash when the user is unknown, so timing does not reveal which emails exist.
        let ok = try await passwords.verify(password, against: hash ?? dummyHash)
        guard let person = found?.person, hash != nil, ok, person.isActive else {
            await auditor.record("login", actor: email.isEmpty ? "anonymous" : "email:\(email)", target: nil, outcome: "failure", detail: "invalid credentials",
                                 remoteAddress: context.remoteAddressString, requestID: context.requestID)
            return renderLogin(csrf: freshCSRF, email: email, error: "Invalid email or password.", status: .unauthorized)
        }
        let sessionID = RandomToken.base64URL(byteCount: 32)
        let now = configuration.clock.now
        try await repository.createSession(
            idHash: sessionIDHash(sessionID),
            session: WebSession(personID: person.id, csrfToken: RandomToken.base64URL(byteCount: 24), expiresAt: now.addingTimeInterval(Self.sessionLifetime)),
            at: now
        )
        await auditor.record("login", by: context.caller(.user(personID: person.id)), target: nil)
        var response = Response(status: .seeOther, headers: [.location: "/"])
        response.setCookie(cookie("gh_session", sessionID, maxAge: Int(Self.sessionLifetime)))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        if let id = request.cookies["gh_session"]?.value, let session = try await repository.session(idHash: sessionIDHash(id), at: configuration.clock.now),
           let token = form["csrf_token"], constantTimeEquals(token, session.csrfToken) {
            try await repository.deleteSession(idHash: sessionIDHash(id))
        }
        var response = Response(status: .seeOther, headers: [.location: "/login"])
        response.setCookie(cookie("gh_session", "", maxAge: 0))
        return response
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = request.cookies["gh_session"]?.value,
              let session = try await repository.session(idHash: sessionIDHash(id), at: configuration.clock.now),
              let person = try await repository.person(id: session.personID)
        else {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        return html(Templates.page("home", title: "Home", ["name": person.name, "email": person.email, "csrf": session.csrfToken]))
    }

    /// The token endpoint's form parser; a malformed or repeated field yields an empty form, which then fails
    /// the CSRF check like any other bad post.
    static func form(_ request: inout Request, context: AppRequestContext) async throws -> [String: String] {
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return (try? FormURLEncoded.parse(String(buffer: body))) ?? [:]
    }
}

/// Sessions are stored by the SHA-256 of their id: a 256-bit random id needs no slow hash, and a stolen
/// sessions table holds nothing that can be replayed as a cookie.
func sessionIDHash(_ id: String) -> String {
    Data(SHA256.hash(data: Data(id.utf8))).base64URLEncodedString()
}
