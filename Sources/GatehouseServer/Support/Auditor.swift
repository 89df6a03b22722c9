import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// Records who did what, when and from where. Audit failures are logged, never surfaced: an audit write
/// must not turn a successful admin action into an error after it has happened.
struct Auditor<Store: AuditStore>: Sendable {
    let store: Store
    let clock: any GatehouseCore.Clock

    func record(
        _ action: String, actor: String, target: String?, outcome: String = "success", detail: String? = nil,
        context: AppRequestContext
    ) async {
        let entry = AuditEntry(
            at: clock.now, actor: actor, action: action, target: target, outcome: outcome, detail: detail,
            remoteAddress: context.remoteAddressString, requestID: context.requestID
        )
        do {
            try await store.append(entry)
        } catch {
            context.logger.error("audit write failed", metadata: ["action": "\(action)", "error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
