import Crypto
import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// Guards `/admin/v1` with the operator token from `GATEHOUSE_ADMIN_TOKEN`.
///
/// Both sides are hashed before comparing so the comparison is over fixed-length digests, and the
/// digest comparison itself is constant time. With no token configured the admin API refuses everything.
/// Tokens made by `gatehouse admin-token create` are accepted too: they are stored as keyed hashes and looked
/// up by hash, and the audit log names them (`operator:<name>`).
///
/// A logged-in user's session works too (cookie `gh_session`), checked against that user's company permissions:
/// only routes under `/companies/{cid}` or `/projects/{pid}` of a company where the user is a company admin
/// (tool `admin` at admin). Everything deployment-wide stays operator-only. Cookie-authenticated writes need the
/// session's CSRF token in `X-CSRF-Token`, since browsers send cookies on cross-site requests.
struct AdminAuthenticator<Store: AdminTokenStore & SessionStore & DirectoryStore & ProjectStore & PersonStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let expectedDigest: SHA256Digest?
    let store: Store
    let hasher: SecretHasher
    let clock: any GatehouseCore.Clock

    init(adminToken: String?, store: Store, hasher: SecretHasher, clock: any GatehouseCore.Clock) {
        self.clock = clock
        self.expectedDigest = adminToken.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
        self.store = store
        self.hasher = hasher
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"gatehouse-admin\""]
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
            if let cookie = request.cookies["gh_session"]?.value {
                var context = context
                context.adminActor = try await authorizeSession(cookie, request: request)
                return try await next(request, context)
            }
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token required", headers: challenge)
        }
        let token = String(authorization.dropFirst("bearer ".count))
        var context = context
        if let expectedDigest, constantTimeEquals(SHA256.hash(data: Data(token.utf8)), expectedDigest) {
            context.adminActor = "operator"
        } else if let name = try await store.adminTokenName(hash: hasher.hash(ClientSecret(token))) {
            context.adminActor = "operator:\(name)"
        } else if expectedDigest == nil {
            throw APIError(.unauthorized, code: "admin_disabled",
                           message: "no valid operator token: set GATEHOUSE_ADMIN_TOKEN or create one with gatehouse admin-token create", headers: challenge)
        } else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token is not valid", headers: challenge)
        }
        return try await next(request, context)
    }
}

extension AdminAuthenticator {
    /// Returns the audit actor for a session that may call this route, or throws 401/403.
    private func authorizeSession(_ cookie: String, request: Request) async throws -> String {
        guard let session = try await store.session(idHash: sessionIDHash(cookie), at: clock.now),
              let person = try await store.person(id: session.personID), person.canLogIn, person.isActive
        else {
            throw APIError(.unauthorized, code: "unauthorized", message: "the session has expired; sign in again")
        }
        if request.method != .get && request.method != .head {
            guard let token = request.headers[.csrfToken],
                  constantTimeEquals(SHA256.hash(data: Data(token.utf8)), SHA256.hash(data: Data(session.csrfToken.utf8)))
            else {
                throw APIError.forbidden("X-CSRF-Token is missing or does not match this session")
            }
        }
        guard let companyID = try await companyOfRoute(request.uri.path) else {
            throw APIError.forbidden("this admin route needs an operator token")
        }
        let access = try await store.access(companyID: companyID, personID: person.id)
        guard access.isInDirectory, access.isCompanyAdmin else {
            throw APIError.forbidden("you are not a company admin of company \(companyID)")
        }
        return "person:\(person.id)"
    }

    /// The company a company-scoped admin route acts on: `/companies/{cid}/…` or `/projects/{pid}/…`.
    private func companyOfRoute(_ path: String) async throws -> Int64? {
        let parts = path.split(separator: "/").map(String.init)   // ["admin", "v1", "companies", "7", ...]
        guard parts.count >= 4, parts[0] == "admin", parts[1] == "v1", let id = Int64(parts[3]), id > 0 else { return nil }
        switch parts[2] {
        case "companies": return id
        case "projects": return try await store.project(id: id)?.companyID
        default: return nil
        }
    }
}

/// Compares two digests without an early exit.
func constantTimeEquals<D: Digest>(_ a: D, _ b: D) -> Bool {
    let x = Array(a), y = Array(b)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
