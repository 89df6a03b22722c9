import Foundation
import GatehouseCore
import GatehouseStore

/// Developers' apps and their versions: one credential pair per app, a manifest per version.
///
/// An app belongs to the user who created it, and its owner may add collaborators. Operators reach every app;
/// a signed-in user reaches only the apps they own or collaborate on, and any other app is "not found" to them,
/// so app ids cannot be probed.
struct Apps<Store: AppStore & InstallationStore & PersonStore & CredentialStore & ClientStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let hasher: SecretHasher
    let clock: any GatehouseCore.Clock
    let credentials: CredentialLifecycle<Store>

    /// An operator may name the owner (`ownerID`, from a document); a signed-in user owns what they create.
    /// `given` credentials as for ``ServiceAccounts/create(_:in:given:by:)``.
    func create(name raw: String?, ownerID: Int64? = nil, given: DeploymentDocument.GivenCredentials? = nil, by caller: Caller) async throws -> (App, ClientSecret) {
        let name = try requiredName(raw, maxLength: Limits.appName).value(for: "name")
        let owner = caller.actor.isOperator ? ownerID : Self.owner(of: caller)
        guard caller.actor.isOperator || owner != nil else { throw DomainError.forbidden("only an operator or a signed-in user can create apps") }
        let (clientID, secret) = try await credentials.newPair(given)
        let app = try await store.createApp(name: name, clientID: clientID, secretHash: hasher.hash(secret), ownerID: owner, at: clock.now)
        await auditor.record("app.create", by: caller, target: "app:\(app.id)")
        return (app, secret)
    }

    /// The person a caller stands for, when it is a signed-in user.
    static func owner(of caller: Caller) -> Int64? {
        if case .user(let id) = caller.actor { return id }
        return nil
    }

    func apps(for caller: Caller) async throws -> [App] {
        if caller.actor.isOperator { return try await store.apps() }
        guard let person = Self.owner(of: caller) else { return [] }
        return try await store.apps(memberID: person)
    }

    /// The app, if the caller may manage it; "not found" otherwise.
    func app(_ id: Int64, for caller: Caller) async throws -> App {
        guard let app = try await store.app(id: id) else { throw DomainError.notFound("app") }
        if caller.actor.isOperator { return app }
        guard let person = Self.owner(of: caller), try await store.isAppMember(appID: id, personID: person) else { throw DomainError.notFound("app") }
        return app
    }

    /// Renames the app and sets its listing; owners and collaborators may.
    func update(_ id: Int64, name raw: String?, description: String?, listed: Bool, by caller: Caller) async throws -> App {
        let app = try await app(id, for: caller)
        var fields: [String: String] = [:]
        let name = requiredName(raw, maxLength: Limits.appName).value(for: "name", into: &fields)
        if let description, description.textLength > 2000 { fields["description"] = "at most 2000 characters" }
        let description = cleaned(description)
        guard fields.isEmpty, let name else { throw ValidationError("invalid app", fields: fields) }
        try await store.updateApp(id: app.id, name: name, description: description, listed: listed)
        await auditor.record("app.update", by: caller, target: "app:\(app.id)")
        return try await store.app(id: app.id) ?? app
    }

    /// Only the owner (or an operator) invites collaborators, by email. The answer is the same whether or not the
    /// email has an account anywhere, so inviting cannot be used to find out who has one; the invitee joins when
    /// they accept (``acceptInvitation(_:by:)``), and only then sees the app.
    func addCollaborator(email raw: String?, to id: Int64, by caller: Caller) async throws -> String {
        let app = try await app(id, for: caller)
        guard caller.actor.isOperator || app.ownerID == Self.owner(of: caller) else {
            throw DomainError.forbidden("only the app's owner can add collaborators")
        }
        let email = cleaned(raw)?.lowercased() ?? ""
        guard email.count <= Limits.email, email.split(separator: "@").count == 2, !email.hasPrefix("@"), !email.hasSuffix("@") else {
            throw ValidationError("invalid email", fields: ["email": "must be an email address"])
        }
        try await store.inviteCollaborator(appID: app.id, email: email, at: clock.now)
        await auditor.record("app.collaborator.invite", by: caller, target: "app:\(app.id)", detail: email)
        return email
    }

    /// The apps inviting the signed-in user to collaborate.
    func invitations(for caller: Caller) async throws -> [App] {
        guard let personID = Self.owner(of: caller), let person = try await store.person(id: personID) else { return [] }
        return try await store.invitingApps(email: person.email.lowercased())
    }

    /// The invitee joins the app; 404 when no invitation for their email exists.
    func acceptInvitation(_ appID: Int64, by caller: Caller) async throws {
        guard let personID = Self.owner(of: caller), let person = try await store.person(id: personID),
              try await store.acceptInvitation(appID: appID, email: person.email.lowercased(), personID: personID, at: clock.now)
        else { throw DomainError.notFound("invitation") }
        await auditor.record("app.collaborator.add", by: caller, target: "app:\(appID)", detail: "person:\(personID)")
    }

    func collaborators(of id: Int64, for caller: Caller) async throws -> [Person] {
        try await store.collaborators(appID: try await app(id, for: caller).id)
    }

    /// A new secret, and every outstanding token of the app stops working in every company at once.
    func resetSecret(_ id: Int64, by caller: Caller) async throws -> (App, ClientSecret) {
        let app = try await app(id, for: caller)
        let secret = ClientSecret.generate()
        try await store.resetAppSecret(appID: app.id, newHash: hasher.hash(secret), at: clock.now)
        await auditor.record("app.reset_secret", by: caller, target: "app:\(app.id)")
        return (try await store.app(id: app.id) ?? app, secret)
    }

    /// Zero-downtime rotation, as for service accounts: the previous secret keeps working until it expires.
    func rotateSecret(_ id: Int64, previousExpiresIn: Int?, by caller: Caller) async throws -> (app: App, secret: ClientSecret, secrets: [StoredSecret]) {
        let app = try await app(id, for: caller)
        let rotated = try await credentials.rotate(app.client, previousExpiresIn: previousExpiresIn, audit: "app.rotate_secret", target: "app:\(app.id)", by: caller)
        return (app, rotated.secret, rotated.secrets)
    }

    func activeSecrets(of id: Int64, for caller: Caller) async throws -> [StoredSecret] {
        try await credentials.activeSecrets(try await app(id, for: caller).client)
    }

    func retireSecret(_ secretID: Int64, of id: Int64, by caller: Caller) async throws {
        let app = try await app(id, for: caller)
        try await credentials.retire(secretID, of: app.client, audit: "app.retire_secret", target: "app:\(app.id)", by: caller)
    }

    func setJWKS(_ json: String, for id: Int64, by caller: Caller) async throws -> Int {
        let app = try await app(id, for: caller)
        return try await credentials.setJWKS(json, for: app.client, audit: "app.set_jwks", target: "app:\(app.id)", by: caller)
    }

    /// `manifest` is the decoded JSON as submitted; every problem comes back at once, by field path.
    func createVersion(of id: Int64, version: String?, manifest: Any?, by caller: Caller) async throws -> AppVersion {
        let app = try await app(id, for: caller)
        var fields: [String: String] = [:]
        if version.flatMap(SemanticVersion.init) == nil { fields["version"] = "must be a semantic version such as 1.0.0" }
        var parsed: Manifest?
        do {
            parsed = try Manifest.validate(manifest)
        } catch {
            fields.merge(error.fields) { a, _ in a }
        }
        guard fields.isEmpty, let parsed, let version else { throw ValidationError("invalid app version", fields: fields) }
        let created = try await store.createVersion(appID: app.id, version: version, versionKey: RandomToken.hex(byteCount: 20), manifest: parsed, at: clock.now)
        await auditor.record("app.version.create", by: caller, target: "app:\(app.id)/version:\(created.id)")
        return created
    }

    func versions(of id: Int64, for caller: Caller) async throws -> [AppVersion] {
        try await store.versions(appID: try await app(id, for: caller).id)
    }

    func promote(_ versionID: Int64, of id: Int64, by caller: Caller) async throws -> AppVersion {
        let app = try await app(id, for: caller)
        guard try await store.version(id: versionID, appID: app.id) != nil else { throw DomainError.notFound("version") }
        try await store.promoteVersion(id: versionID, appID: app.id)
        await auditor.record("app.version.promote", by: caller, target: "app:\(app.id)/version:\(versionID)")
        guard let version = try await store.version(id: versionID, appID: app.id) else { throw DomainError.notFound("version") }
        return version
    }
}
