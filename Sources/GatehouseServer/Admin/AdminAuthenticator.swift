import Crypto
import Foundation
import Hummingbird

/// Guards `/admin/v1` with the operator token from `GATEHOUSE_ADMIN_TOKEN`.
///
/// Both sides are hashed before comparing so the comparison is over fixed-length digests, and the
/// digest comparison itself is constant time. With no token configured the admin API refuses everything.
struct AdminAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let expectedDigest: SHA256Digest?

    init(adminToken: String?) {
        self.expectedDigest = adminToken.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"gatehouse-admin\""]
        guard let expectedDigest else {
            throw APIError(.unauthorized, code: "admin_disabled", message: "the admin API is disabled: set GATEHOUSE_ADMIN_TOKEN", headers: challenge)
        }
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token required", headers: challenge)
        }
        let presented = SHA256.hash(data: Data(authorization.dropFirst("bearer ".count).utf8))
        guard constantTimeEquals(presented, expectedDigest) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "admin bearer token is not valid", headers: challenge)
        }
        var context = context
        context.adminActor = "operator"
        return try await next(request, context)
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
