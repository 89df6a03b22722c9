import Foundation
import GatehouseCore
import GatehouseStore

/// The credential features of any OAuth client, traditional account or app alike: rotation with two active
/// secrets, the list of active secrets, retiring one, and the JWKS for `private_key_jwt`. One implementation,
/// so an app gets exactly what a service account gets.
struct CredentialLifecycle<Store: CredentialStore & ClientStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let hasher: SecretHasher
    let clock: any GatehouseCore.Clock

    /// A new client's id and secret: generated, or given by a CI document (``Deployments``). A given secret is
    /// hashed like any other, and a given id must be free: ids are unique across accounts and apps.
    func newPair(_ given: DeploymentDocument.GivenCredentials?) async throws -> (clientID: String, secret: ClientSecret) {
        guard let given else { return (CredentialFactory.clientID(), ClientSecret.generate()) }
        guard given.clientSecret.count >= DeploymentDocument.GivenCredentials.minimumSecretLength else {
            throw ValidationError("given client_secret too short", fields: ["client_secret": "must be at least \(DeploymentDocument.GivenCredentials.minimumSecretLength) characters"])
        }
        if try await store.clientRecord(clientID: given.clientID) != nil {
            throw DomainError(.conflict, "client_id already in use", fields: ["client_id": "is already another client's id"])
        }
        return (given.clientID, ClientSecret(given.clientSecret))
    }

    /// A second secret; the previous one keeps working until it expires (default 24 h, at most 30 days).
    func rotate(_ client: OAuthClient, previousExpiresIn: Int?, audit: String, target: String, by caller: Caller) async throws -> (secret: ClientSecret, secrets: [StoredSecret]) {
        let keep = try SecretRotation.overlap(previousExpiresIn)
        let now = clock.now
        let secret = ClientSecret.generate()
        let secrets = try await store.rotateSecret(clientPK: client.id, newHash: hasher.hash(secret), previousExpiresAt: now.addingTimeInterval(TimeInterval(keep)), at: now)
        await auditor.record(audit, by: caller, target: target, detail: "previous secret expires in \(keep) s")
        return (secret, secrets)
    }

    func activeSecrets(_ client: OAuthClient) async throws -> [StoredSecret] {
        let now = clock.now
        return try await store.secrets(clientPK: client.id).filter { $0.isActive(at: now) }
    }

    func retire(_ secretID: Int64, of client: OAuthClient, audit: String, target: String, by caller: Caller) async throws {
        try await store.retireSecret(clientPK: client.id, secretID: secretID, at: clock.now)
        await auditor.record(audit, by: caller, target: target, detail: "secret \(secretID)")
    }

    /// Registers the public keys for `private_key_jwt`; returns how many there are.
    func setJWKS(_ json: String, for client: OAuthClient, audit: String, target: String, by caller: Caller) async throws -> Int {
        let count = try await ClientJWKS.validate(json)
        try await store.setClientJWKS(clientPK: client.id, jwks: json)
        await auditor.record(audit, by: caller, target: target)
        return count
    }
}
