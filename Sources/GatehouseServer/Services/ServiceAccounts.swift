import Foundation
import GatehouseCore
import GatehouseStore
import JWTKit

/// A traditional service account as every door shows it: the account and its contact's email.
struct ServiceAccountView: Sendable {
    var account: ServiceAccount
    var contactEmail: String
}

/// An account as its page shows it, read in one place so that every door gets the same answer: its company levels,
/// the projects it is a member of (with their levels) and the others, its secrets and which may be retired, its
/// recent history and its last token.
struct ServiceAccountDetail: Sendable {
    var view: ServiceAccountView
    var companyLevels: ToolLevels
    var access: Access
    var memberProjects: [Project]
    var otherProjects: [Project]
    var secrets: [StoredSecret]
    /// Ids of the secrets that may be retired now (``StoredSecret/retirable(_:at:)``).
    var retirable: Set<Int64>
    var recentActivity: [AuditEntry]
    var lastTokenAt: Date?
}

/// Traditional service accounts: creation under the sunset policy and the whole credential lifecycle.
/// The admin API and the console both call these; neither holds a rule of its own.
struct ServiceAccounts<Store: ServiceAccountStore & CredentialStore & ClientStore & PersonStore & AppStore & AuditStore & DirectoryStore & ProjectStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let hasher: SecretHasher
    let clock: any GatehouseCore.Clock
    let policy: SunsetPolicy
    let contactDomain: String
    let credentials: CredentialLifecycle<Store>

    /// `given` credentials come only from a document applied by a server started with `--allow-given-credentials`
    /// (``Deployments``); every other door generates them.
    func create(_ draft: ServiceAccountDraft, in company: Company, given: DeploymentDocument.GivenCredentials? = nil, by caller: Caller) async throws -> (ServiceAccountView, ClientSecret) {
        let input = try draft.validated()
        if let refusal = policy.creationRefusal(at: clock.now) {
            await auditor.record("service_account.create", by: caller, target: "company:\(company.id)", outcome: "refused",
                                 detail: "creation blocked (\(policy.phase(at: clock.now).rawValue))")
            throw refusal
        }
        if input.appType == .marketplace, let appID = input.appID {
            // Operators may link any app. A company admin only one the marketplace offers: an unlisted app and an
            // unknown id get the same answer, which names no app, so app ids cannot be probed.
            let app = try await store.app(id: appID)
            if caller.actor.isOperator {
                guard app != nil else { throw ValidationError("unknown app", fields: ["app_id": "no app with this id"]) }
            } else {
                guard let app, MarketplaceListing.isOffered(app, versions: try await store.versions(appID: app.id)) else {
                    throw ValidationError("no such app in the marketplace", fields: ["app_id": "is not an app listed in the marketplace"])
                }
            }
        }
        let (clientID, secret) = try await credentials.newPair(given)
        let email = CredentialFactory.contactEmail(prefix: input.name, domain: contactDomain)
        let account = try await store.createServiceAccount(NewServiceAccount(
            companyID: company.id, name: input.name, appType: input.appType, appID: input.appID,
            clientID: clientID, secretHash: hasher.hash(secret), contactEmail: email,
            appLinkedByOperator: input.appType == .marketplace && caller.actor.isOperator
        ), at: clock.now)
        await auditor.record("service_account.create", by: caller, target: AuditTarget.serviceAccount(account.id))
        return (ServiceAccountView(account: account, contactEmail: email), secret)
    }

    func list(in company: Company) async throws -> [ServiceAccountView] {
        var views: [ServiceAccountView] = []
        for account in try await store.serviceAccounts(companyID: company.id) { views.append(try await view(account)) }
        return views
    }

    func account(_ id: Int64, in company: Company) async throws -> ServiceAccount {
        guard let account = try await store.serviceAccount(id: id, companyID: company.id) else { throw DomainError.notFound("service account") }
        return account
    }

    func show(_ id: Int64, in company: Company) async throws -> ServiceAccountView {
        try await view(try await account(id, in: company))
    }

    /// The account page's read model; see ``ServiceAccountDetail``.
    func detail(_ id: Int64, in company: Company) async throws -> ServiceAccountDetail {
        let view = try await show(id, in: company)
        let account = view.account
        guard let levels = try await store.companyLevels(companyID: company.id, personID: account.contactID) else { throw DomainError.notFound("directory entry") }
        let access = try await store.access(companyID: company.id, personID: account.contactID)
        let projects = try await store.projects(companyID: company.id, limit: 1000, offset: 0, activeOnly: false).items
        let secrets = try await credentials.activeSecrets(account.client)
        // The account's own rows, and its contact's permission and membership changes (`…/person:<contact>`).
        var related = AuditFilter(companyID: company.id, target: AuditTarget.serviceAccount(account.id))
        related.relatedTargets = ["person:\(account.contactID)"]
        let history = try await store.auditEntries(related, limit: 10, offset: 0).items
        return ServiceAccountDetail(
            view: view, companyLevels: levels, access: access,
            memberProjects: projects.filter { access.isMember(ofProject: $0.id) }, otherProjects: projects.filter { !access.isMember(ofProject: $0.id) },
            secrets: secrets, retirable: StoredSecret.retirable(secrets, at: clock.now), recentActivity: history,
            lastTokenAt: try await lastTokenAt(account)
        )
    }

    /// The most recent successful issuance, from the audit log (the account has no column of its own for it).
    func lastTokenAt(_ account: ServiceAccount) async throws -> Date? {
        try await store.auditEntries(AuditFilter(action: "token.issue", target: AuditTarget.client(account.client.clientID)), limit: 20, offset: 0)
            .items.first { $0.outcome == "success" }?.at
    }

    private func view(_ account: ServiceAccount) async throws -> ServiceAccountView {
        ServiceAccountView(account: account, contactEmail: try await store.person(id: account.contactID)?.email ?? "")
    }

    /// Procore's reset: a new secret shown once, the old secret and every earlier token dead at once,
    /// permissions back to none and memberships removed, in one transaction.
    func resetSecret(_ id: Int64, in company: Company, by caller: Caller) async throws -> (view: ServiceAccountView, secret: ClientSecret, secretID: Int64) {
        let account = try await account(id, in: company)
        let secret = ClientSecret.generate()
        let secretID = try await store.resetServiceAccountSecret(accountID: account.id, companyID: company.id, newHash: hasher.hash(secret), at: clock.now)
        await auditor.record("service_account.reset_secret", by: caller, target: AuditTarget.serviceAccount(account.id),
                             detail: "secret, tokens, permissions and memberships reset")
        return (try await show(id, in: company), secret, secretID)
    }

    /// Beyond Procore: a second secret, the previous one kept until it expires. Nothing else changes.
    func rotateSecret(_ id: Int64, in company: Company, previousExpiresIn: Int?, by caller: Caller) async throws -> (view: ServiceAccountView, secret: ClientSecret, secrets: [StoredSecret]) {
        let account = try await account(id, in: company)
        let rotated = try await credentials.rotate(account.client, previousExpiresIn: previousExpiresIn, audit: "service_account.rotate_secret",
                                                   target: AuditTarget.serviceAccount(account.id), by: caller)
        return (try await view(account), rotated.secret, rotated.secrets)
    }

    func activeSecrets(_ id: Int64, in company: Company) async throws -> [StoredSecret] {
        try await credentials.activeSecrets(try await account(id, in: company).client)
    }

    func retireSecret(_ secretID: Int64, of id: Int64, in company: Company, by caller: Caller) async throws {
        let account = try await account(id, in: company)
        try await credentials.retire(secretID, of: account.client, audit: "service_account.retire_secret", target: AuditTarget.serviceAccount(account.id), by: caller)
    }

    /// Disabling also moves the generation, so tokens issued before stay dead after a later enable.
    func setEnabled(_ enabled: Bool, _ id: Int64, in company: Company, by caller: Caller) async throws -> ServiceAccountView {
        let account = try await account(id, in: company)
        try await store.setClientEnabled(clientPK: account.client.id, enabled: enabled, at: clock.now)
        await auditor.record(enabled ? "service_account.enable" : "service_account.disable", by: caller, target: AuditTarget.serviceAccount(account.id))
        return try await show(id, in: company)
    }

    func delete(_ id: Int64, in company: Company, by caller: Caller) async throws {
        let account = try await account(id, in: company)
        try await store.deleteServiceAccount(id: account.id, companyID: company.id, at: clock.now)
        await auditor.record("service_account.delete", by: caller, target: AuditTarget.serviceAccount(account.id))
    }

    /// Registers the public keys for `private_key_jwt`. Returns how many keys were registered.
    func setJWKS(_ json: String, for id: Int64, in company: Company, by caller: Caller) async throws -> Int {
        let account = try await account(id, in: company)
        return try await credentials.setJWKS(json, for: account.client, audit: "service_account.set_jwks", target: AuditTarget.serviceAccount(account.id), by: caller)
    }
}

/// The rules for a client's registered JWKS: one to ten public keys that jwt-kit can load. Private or
/// symmetric key material is refused outright, so a pasted private key never reaches the database.
enum ClientJWKS {
    static let minimumRSABits = 2048

    /// The size of an RSA modulus given as base64url (RFC 7518 §6.3.1.1), leading zero bits excluded.
    static func modulusBits(_ n: String) -> Int {
        var base64 = n.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let bytes = Data(base64Encoded: base64).map(Array.init), let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - first) * 8 - bytes[first].leadingZeroBitCount
    }

    static func validate(_ json: String) async throws -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], let keys = object["keys"] as? [[String: Any]] else {
            throw DomainError(.malformed, "body must be a JWKS: {\"keys\":[…]}", fields: ["keys": "must be a JWKS object"])
        }
        guard !keys.isEmpty, keys.count <= 10 else { throw ValidationError("a JWKS needs 1 to 10 keys", fields: ["keys": "1 to 10 keys"]) }
        for (i, key) in keys.enumerated() where key["d"] != nil || key["p"] != nil || key["k"] != nil {
            throw ValidationError("JWKS must contain public keys only", fields: ["keys[\(i)]": "contains private or symmetric key material"])
        }
        for (i, key) in keys.enumerated() where (key["kty"] as? String) == "RSA" {
            let bits = (key["n"] as? String).map(modulusBits) ?? 0
            guard bits >= minimumRSABits else {
                throw ValidationError("RSA keys must be at least \(minimumRSABits) bits (NIST SP 800-131A)",
                                      fields: ["keys[\(i)].n": "\(bits)-bit modulus; at least \(minimumRSABits) bits required"])
            }
        }
        do {
            _ = try await JWTKeyCollection().add(jwksJSON: json)
        } catch {
            throw ValidationError("JWKS could not be parsed", fields: ["keys": "not a valid JWKS"])
        }
        return keys.count
    }
}
