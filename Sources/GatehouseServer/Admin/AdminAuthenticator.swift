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
struct AdminAuthenticator<Store: AdminTokenStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let expectedDigest: SHA256Digest?
    let store: Store
    let hasher: SecretHasher

    init(adminToken: String?, store: Store, hasher: SecretHasher) {
        self.expectedDigest = adminToken.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
        self.store = store
        self.hasher = hasher
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"gatehouse-admin\""]
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
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

/// Compares two digests without an early exit.
func constantTimeEquals<D: Digest>(_ a: D, _ b: D) -> Bool {
    let x = Array(a), y = Array(b)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
