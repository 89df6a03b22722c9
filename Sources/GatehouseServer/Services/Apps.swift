import Foundation
import GatehouseCore
import GatehouseStore

/// Developers' apps and their versions: one credential pair per app, a manifest per version.
struct Apps<Store: AppStore & InstallationStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let hasher: SecretHasher
    let clock: any GatehouseCore.Clock

    func create(name raw: String?, by caller: Caller) async throws -> (App, ClientSecret) {
        guard let name = cleaned(raw), name.count <= 100 else { throw ValidationError("name is required", fields: ["name": "is required (at most 100 characters)"]) }
        let secret = ClientSecret.generate()
        let app = try await store.createApp(name: name, clientID: CredentialFactory.clientID(), secretHash: hasher.hash(secret), at: clock.now)
        await auditor.record("app.create", by: caller, target: "app:\(app.id)")
        return (app, secret)
    }

    func apps() async throws -> [App] { try await store.apps() }

    func app(_ id: Int64) async throws -> App {
        guard let app = try await store.app(id: id) else { throw DomainError.notFound("app") }
        return app
    }

    /// A new secret, and every outstanding token of the app stops working in every company at once.
    func resetSecret(_ id: Int64, by caller: Caller) async throws -> (App, ClientSecret) {
        let app = try await app(id)
        let secret = ClientSecret.generate()
        try await store.resetAppSecret(appID: app.id, newHash: hasher.hash(secret), at: clock.now)
        await auditor.record("app.reset_secret", by: caller, target: "app:\(app.id)")
        return (try await store.app(id: app.id) ?? app, secret)
    }

    /// `manifest` is the decoded JSON as submitted; every problem comes back at once, by field path.
    func createVersion(of id: Int64, version: String?, manifest: Any?, by caller: Caller) async throws -> AppVersion {
        let app = try await app(id)
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

    func versions(of id: Int64) async throws -> [AppVersion] {
        try await store.versions(appID: try await app(id).id)
    }

    func promote(_ versionID: Int64, of id: Int64, by caller: Caller) async throws -> AppVersion {
        let app = try await app(id)
        guard try await store.version(id: versionID, appID: app.id) != nil else { throw DomainError.notFound("version") }
        try await store.promoteVersion(id: versionID, appID: app.id)
        await auditor.record("app.version.promote", by: caller, target: "app:\(app.id)/version:\(versionID)")
        guard let version = try await store.version(id: versionID, appID: app.id) else { throw DomainError.notFound("version") }
        return version
    }
}
