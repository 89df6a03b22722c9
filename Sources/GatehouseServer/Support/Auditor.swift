import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// Records who did what, when and from where. Audit failures are logged, never surfaced: an audit write
/// must not turn a successful action into an error after it has happened.
struct Auditor<Store: AuditStore>: Sendable {
    let store: Store
    let clock: any GatehouseCore.Clock
    let logger = Logger(label: "gatehouse.audit")

    func record(_ action: String, by caller: Caller, target: String?, outcome: String = "success", detail: String? = nil) async {
        await record(action, actor: caller.actor.description, target: target, outcome: outcome, detail: detail,
                     remoteAddress: caller.remoteAddress, requestID: caller.requestID, companyID: caller.companyID)
    }

    /// For callers that are not yet an ``Actor``: a token request names the client it claims to be.
    func record(
        _ action: String, actor: String, target: String?, outcome: String = "success", detail: String? = nil,
        remoteAddress: String?, requestID: String?, companyID: Int64? = nil
    ) async {
        let entry = AuditEntry(
            companyID: companyID, at: clock.now, actor: actor, action: action, target: target, outcome: outcome, detail: detail,
            remoteAddress: remoteAddress, requestID: requestID
        )
        do {
            try await store.append(entry)
        } catch {
            logger.error("audit write failed", metadata: ["action": "\(action)", "request_id": "\(requestID ?? "")", "error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
