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

    /// The log, newest first: every door that shows audit rows reads them here.
    func entries(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> (items: [AuditEntry], total: Int) {
        try await store.auditEntries(filter, limit: limit, offset: offset)
    }

    func record(_ action: String, by caller: Caller, target: String?, outcome: String = "success", detail: String? = nil) async {
        await record(action, actor: caller.actor.description, target: target, outcome: outcome, detail: detail,
                     remoteAddress: caller.remoteAddress, requestID: caller.requestID, companyID: caller.companyID)
    }

    /// Cuts a field to `limit` bytes (on a character boundary), marking the cut. Unauthenticated callers name
    /// themselves and their errors echo input, so no audit row can grow with what a stranger sends.
    static func bounded(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = Substring(text)
        while cut.utf8.count > limit - 3 { cut = cut.dropLast() }
        return cut + "…"
    }

    /// For callers that are not yet an ``Actor``: a token request names the client it claims to be.
    func record(
        _ action: String, actor: String, target: String?, outcome: String = "success", detail: String? = nil,
        remoteAddress: String?, requestID: String?, companyID: Int64? = nil
    ) async {
        try? await recordDurably(action, actor: actor, target: target, outcome: outcome, detail: detail,
                                 remoteAddress: remoteAddress, requestID: requestID, companyID: companyID)
    }

    /// As ``record(_:actor:target:outcome:detail:remoteAddress:requestID:companyID:)``, but a failed write is
    /// thrown as well as logged: a token must not be answered unless its issuance is on record.
    func recordDurably(
        _ action: String, actor: String, target: String?, outcome: String = "success", detail: String? = nil,
        remoteAddress: String?, requestID: String?, companyID: Int64? = nil
    ) async throws {
        let entry = AuditEntry(
            companyID: companyID, at: clock.now, actor: Self.bounded(actor, 200), action: action, target: target.map { Self.bounded($0, 200) },
            outcome: outcome, detail: detail.map { Self.bounded($0, 500) },
            remoteAddress: remoteAddress, requestID: requestID
        )
        do {
            try await store.append(entry)
        } catch {
            logger.error("audit write failed", metadata: ["action": "\(action)", "request_id": "\(requestID ?? "")", "error": "\(String(reflecting: type(of: error)))"])
            throw error
        }
    }
}
