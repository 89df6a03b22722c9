import Foundation
import GatehouseCore

/// What `serve --apply FILE` did at start-up, for the console to print.
public struct AppliedDocument: Sendable {
    public let created: Int
    public let updated: Int
    public let deleted: Int
    /// `kind name client_id client_secret` of each object created: shown once, as the API would.
    /// The secret is nil where the document gave it.
    public let credentials: [(kind: String, name: String, clientID: String, clientSecret: String?)]

    public var summary: String {
        var lines = ["Applied the document: \(created) created, \(updated) updated, \(deleted) deleted."]
        for credential in credentials {
            let secret = credential.clientSecret.map { "client_secret=\($0)   (shown once)" } ?? "client_secret as given in the document"
            lines.append("  \(credential.kind) \(credential.name): client_id=\(credential.clientID) \(secret)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Applies a document through the same ``Deployments`` service as `POST /admin/v1/apply`, after migrations and
/// before the server listens; audited as `apply:startup`. Any error stops start-up, and the transaction leaves
/// nothing behind.
public func applyDocument(_ document: DeploymentDocument, runtime: GatehouseRuntime, configuration: GatehouseConfiguration) async throws -> AppliedDocument {
    let services = Services(store: runtime.store, runtime: runtime, configuration: configuration)
    let plan = try await services.deployments.apply(document, dryRun: false, prune: false, by: Caller(.operator(name: "startup")))
    func count(_ action: DeploymentChange.Action) -> Int { plan.changes.filter { $0.action == action }.count }
    return AppliedDocument(created: count(.create), updated: count(.update), deleted: count(.delete),
                           credentials: plan.credentials.map { ($0.kind, $0.name, $0.clientID, $0.given ? nil : $0.clientSecret.value) })
}
