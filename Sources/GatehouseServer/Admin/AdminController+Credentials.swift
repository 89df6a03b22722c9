import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird
import JWTKit

/// The credential lifecycle of traditional service accounts, and signing-key rotation.
extension AdminController {
    func addCredentialRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("companies/:cid/service_accounts/:id/reset_secret", use: resetSecret)
        group.post("companies/:cid/service_accounts/:id/rotate_secret", use: rotateSecret)
        group.get("companies/:cid/service_accounts/:id/secrets", use: listSecrets)
        group.delete("companies/:cid/service_accounts/:id/secrets/:secret_id", use: retireSecret)
        group.post("companies/:cid/service_accounts/:id/disable", use: disable)
        group.post("companies/:cid/service_accounts/:id/enable", use: enable)
        group.delete("companies/:cid/service_accounts/:id", use: deleteAccount)
        group.put("companies/:cid/service_accounts/:id/jwks", use: setJWKS)
        group.get("keys", use: listKeys)
        group.post("keys/rotate", use: rotateKeys)
    }

    func account(_ context: AppRequestContext) async throws -> ServiceAccount {
        let company = try await company(context)
        let id = try context.parameters.id("id", resource: "service account")
        guard let account = try await repository.serviceAccount(id: id, companyID: company.id) else { throw APIError.notFound("service account") }
        return account
    }

    private func body(_ account: ServiceAccount, secret: ClientSecret? = nil) async throws -> ServiceAccountBody {
        let email = try await repository.person(id: account.contactID)?.email ?? ""
        return ServiceAccountBody(account, contactEmail: email, secret: secret)
    }

    /// Procore's reset: new secret shown once, old secret and every earlier token dead at once, permissions
    /// back to none and memberships removed.
    @Sendable func resetSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        let account = try await account(context)
        let secret = ClientSecret.generate()
        let secretID = try await repository.resetServiceAccountSecret(accountID: account.id, companyID: account.companyID, newHash: hasher.hash(secret), at: configuration.clock.now)
        await auditor.record("service_account.reset_secret", actor: actor(context), target: "service_account:\(account.id)",
                             detail: "secret, tokens, permissions and memberships reset", context: context)
        guard let updated = try await repository.serviceAccount(id: account.id, companyID: account.companyID) else { throw APIError.notFound("service account") }
        return try JSONResponse.make(SecretAnswer(account: try await body(updated, secret: secret), secret_id: secretID, secrets: nil))
    }

    struct RotateInput: Decodable { let previous_expires_in: Int? }

    /// Beyond Procore: a second secret, the previous one kept until it expires. Nothing else changes.
    @Sendable func rotateSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let account = try await account(context)
        let input: RotateInput = request.headers[.contentLength] == "0" || request.headers[.contentType] == nil
            ? RotateInput(previous_expires_in: nil) : try await request.decodeJSON(RotateInput.self, context: context)
        let keep = input.previous_expires_in ?? 86_400
        guard (0...(30 * 86_400)).contains(keep) else {
            throw APIError.unprocessable("previous_expires_in must be 0 to 2592000 seconds", fields: ["previous_expires_in": "must be 0 to 2592000"])
        }
        let now = configuration.clock.now
        let secret = ClientSecret.generate()
        let secrets = try await repository.rotateSecret(clientPK: account.client.id, newHash: hasher.hash(secret), previousExpiresAt: now.addingTimeInterval(TimeInterval(keep)), at: now)
        await auditor.record("service_account.rotate_secret", actor: actor(context), target: "service_account:\(account.id)",
                             detail: "previous secret expires in \(keep) s", context: context)
        let newest = secrets.max { $0.id < $1.id }
        return try JSONResponse.make(SecretAnswer(account: try await body(account, secret: secret), secret_id: newest?.id ?? 0, secrets: secrets.map(SecretBody.init)))
    }

    @Sendable func listSecrets(_ request: Request, context: AppRequestContext) async throws -> Response {
        let account = try await account(context)
        let now = configuration.clock.now
        return try JSONResponse.make(try await repository.secrets(clientPK: account.client.id).filter { $0.isActive(at: now) }.map(SecretBody.init))
    }

    @Sendable func retireSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        let account = try await account(context)
        let secretID = try context.parameters.id("secret_id", resource: "secret")
        try await repository.retireSecret(clientPK: account.client.id, secretID: secretID, at: configuration.clock.now)
        await auditor.record("service_account.retire_secret", actor: actor(context), target: "service_account:\(account.id)", detail: "secret \(secretID)", context: context)
        return Response(status: .noContent)
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setEnabled(false, context: context)
    }

    @Sendable func enable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await setEnabled(true, context: context)
    }

    private func setEnabled(_ enabled: Bool, context: AppRequestContext) async throws -> Response {
        let account = try await account(context)
        try await repository.setClientEnabled(clientPK: account.client.id, enabled: enabled, at: configuration.clock.now)
        await auditor.record(enabled ? "service_account.enable" : "service_account.disable", actor: actor(context), target: "service_account:\(account.id)", context: context)
        guard let updated = try await repository.serviceAccount(id: account.id, companyID: account.companyID) else { throw APIError.notFound("service account") }
        return try JSONResponse.make(try await body(updated))
    }

    @Sendable func deleteAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        let account = try await account(context)
        try await repository.deleteServiceAccount(id: account.id, companyID: account.companyID, at: configuration.clock.now)
        await auditor.record("service_account.delete", actor: actor(context), target: "service_account:\(account.id)", context: context)
        return Response(status: .noContent)
    }

    /// Registers the public keys for `private_key_jwt`. Private key material is refused outright.
    @Sendable func setJWKS(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let account = try await account(context)
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let data = Data(buffer: buffer)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let keys = object["keys"] as? [[String: Any]] else {
            throw APIError.badRequest("body must be a JWKS: {\"keys\":[…]}", code: "invalid_json")
        }
        guard !keys.isEmpty, keys.count <= 10 else { throw APIError.unprocessable("a JWKS needs 1 to 10 keys", fields: ["keys": "1 to 10 keys"]) }
        for (i, key) in keys.enumerated() where key["d"] != nil || key["p"] != nil || key["k"] != nil {
            throw APIError.unprocessable("JWKS must contain public keys only", fields: ["keys[\(i)]": "contains private or symmetric key material"])
        }
        let json = String(decoding: data, as: UTF8.self)
        do {
            _ = try await JWTKeyCollection().add(jwksJSON: json)
        } catch {
            throw APIError.unprocessable("JWKS could not be parsed", fields: ["keys": "not a valid JWKS"])
        }
        try await repository.setClientJWKS(clientPK: account.client.id, jwks: json)
        await auditor.record("service_account.set_jwks", actor: actor(context), target: "service_account:\(account.id)", context: context)
        return try JSONResponse.make(["token_endpoint_auth_method": "private_key_jwt", "keys": "\(keys.count)"])
    }

    // MARK: signing keys

    @Sendable func listKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(await keys.describe())
    }

    struct RotateKeysInput: Decodable { let activate_in: Int? }

    /// Publishes a new key now; it starts signing after `activate_in` seconds (default 300), so verifiers that
    /// cache the JWKS learn it first.
    @Sendable func rotateKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input: RotateKeysInput = request.headers[.contentType] == nil
            ? RotateKeysInput(activate_in: nil) : try await request.decodeJSON(RotateKeysInput.self, context: context)
        let delay = input.activate_in ?? 300
        guard (0...(7 * 86_400)).contains(delay) else {
            throw APIError.unprocessable("activate_in must be 0 to 604800 seconds", fields: ["activate_in": "must be 0 to 604800"])
        }
        let kid = try await keys.createKey(activatingIn: TimeInterval(delay))
        await auditor.record("keys.rotate", actor: actor(context), target: "kid:\(kid)", detail: "activates in \(delay) s", context: context)
        return try JSONResponse.make(await keys.describe(), status: .created)
    }
}

struct SecretBody: Encodable {
    let id: Int64
    let created_at: String
    let expires_at: String?
    init(_ s: StoredSecret) {
        let f = ISO8601DateFormatter()
        id = s.id; created_at = f.string(from: s.createdAt); expires_at = s.expiresAt.map(f.string(from:))
    }
}

/// A service account answer plus the new secret's id (and, after a rotation, every active secret).
struct SecretAnswer: Encodable {
    let account: ServiceAccountBody
    let secret_id: Int64
    let secrets: [SecretBody]?

    func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        enum Keys: String, CodingKey { case secret_id, secrets }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(secret_id, forKey: .secret_id)
        try container.encodeIfPresent(secrets, forKey: .secrets)
    }
}
