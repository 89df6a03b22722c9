import Crypto
import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Authenticates `/admin/v1`: the operator token from `GATEHOUSE_ADMIN_TOKEN`, a named operator token from
/// `gatehouse admin-token create` (stored as a keyed hash), or a signed-in user's session cookie.
///
/// It only says *who* calls. *Where* they may act is decided by the route groups: ``CompanyScope`` for
/// company routes, ``OperatorOnly`` for deployment-wide ones. Cookie-authenticated writes need the session's
/// CSRF token in `X-CSRF-Token`, since browsers send cookies on cross-site requests.
struct AdminAuthenticator<Store: AdminTokenStore & SessionStore & PersonStore & AuditStore & DirectoryStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let expectedDigest: SHA256Digest?
    let store: Store
    let hasher: SecretHasher
    let sessions: Sessions<Store>
    let cookieName: String
    let failures: FailureLimiter

    init(adminToken: String?, store: Store, hasher: SecretHasher, sessions: Sessions<Store>, cookieName: String, failures: FailureLimiter) {
        self.failures = failures
        self.expectedDigest = adminToken.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
        self.store = store
        self.hasher = hasher
        self.sessions = sessions
        self.cookieName = cookieName
    }

    /// Every admin answer, refusals included, is `Cache-Control: no-store`: they carry secrets, directory data
    /// and audit entries that no cache on the way should keep.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            var context = context
            context.adminActor = try await authenticate(request, address: context.remoteAddressString)
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func authenticate(_ request: Request, address: String?) async throws -> Actor {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"gatehouse-admin\""]
        guard let token = BearerToken.from(request) else {
            if let cookie = request.cookies[cookieName]?.value { return try await authenticateSession(cookie, request: request) }
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token required", headers: challenge)
        }
        guard token.utf8.count <= 512 else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token is not valid", headers: challenge)
        }
        if let wait = failures.retryAfter(.admin, credential: "operator-token", address: address) {
            throw APIError(.tooManyRequests, code: "too_many_attempts", message: "too many failed attempts; retry after \(wait) s",
                           headers: [.retryAfterHeader: "\(wait)"])
        }
        // Both sides are hashed first, so the constant-time comparison runs over fixed-length digests.
        if let expectedDigest, SHA256.hash(data: Data(token.utf8)) == expectedDigest {
            return .operator(name: nil)
        }
        // The current pepper's hash first; an earlier master key's only during a rotation, then re-hashed.
        let candidates = hasher.candidateHashes(ClientSecret(token))
        for hash in candidates {
            guard let name = try await store.adminTokenName(hash: hash) else { continue }
            if hash != candidates[0] { try? await store.rehashAdminToken(from: hash, to: candidates[0]) }
            return .operator(name: name)
        }
        await failures.recordFailure(.admin, credential: "operator-token", address: address)
        if expectedDigest == nil {
            throw APIError(.unauthorized, code: "admin_disabled",
                           message: "no valid operator token: set GATEHOUSE_ADMIN_TOKEN or create one with gatehouse admin-token create", headers: challenge)
        }
        throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token is not valid", headers: challenge)
    }

    private func authenticateSession(_ cookie: String, request: Request) async throws -> Actor {
        guard let signedIn = try await sessions.resolve(cookie: cookie) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "the session has expired; sign in again")
        }
        let session = signedIn.session, person = signedIn.person
        if request.method != .get && request.method != .head {
            guard let token = request.headers[.csrfToken], constantTimeEquals(token, session.csrfToken) else {
                throw APIError.forbidden("X-CSRF-Token is missing or does not match this session")
            }
        }
        return .user(personID: person.id)
    }
}

/// Deployment-wide admin routes (creating companies, apps, keys, the audit log) answer operators only.
struct OperatorOnly: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.adminActor?.isOperator == true else { throw APIError.forbidden("this admin route needs an operator token") }
        return try await next(request, context)
    }
}

/// Resolves the company a company-scoped admin route acts on, once, from `/companies/{cid}` or from the
/// project in `/projects/{pid}`, and checks that the actor may administer it: an operator anywhere, a session
/// user only where they are a company admin (tool `admin` at admin).
struct CompanyScope<Store: CompanyStore & ProjectStore & DirectoryStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    enum Source: Sendable {
        case company(parameter: String)
        case project(parameter: String)
    }
    let store: Store
    let source: Source

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let company: Company?
        switch source {
        case .company(let parameter):
            company = try await store.company(id: try context.parameters.id(parameter, resource: "company"))
            guard company != nil else { throw APIError.notFound("company") }
        case .project(let parameter):
            guard let project = try await store.project(id: try context.parameters.id(parameter, resource: "project")) else {
                throw APIError.notFound("project")
            }
            company = try await store.company(id: project.companyID)
        }
        guard let company else { throw APIError.notFound("company") }
        if case .user(let personID) = context.adminActor {
            guard try await store.access(companyID: company.id, personID: personID).administersCompany else {
                throw APIError.forbidden("you are not a company admin of company \(company.id)")
            }
        }
        context.company = company
        return try await next(request, context)
    }
}

/// Compares two strings in constant time over their SHA-256 digests (swift-crypto's digest equality is
/// constant time), so neither the content nor the length leaks through timing.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    SHA256.hash(data: Data(a.utf8)) == SHA256.hash(data: Data(b.utf8))
}
