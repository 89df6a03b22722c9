import GatehouseCore

/// The actor of an operation plus where the request came from, which the audit log records with it.
///
/// Every service operation takes one. The doors build it from their own context (an admin bearer token, a
/// console session, a REST principal), so the operation never needs to know which door it was called through.
struct Caller: Sendable {
    var actor: Actor
    var remoteAddress: String?
    var requestID: String?
    /// The company the request acts in, when it acts in one; the audit row is filed under it.
    var companyID: Int64?

    init(_ actor: Actor, remoteAddress: String? = nil, requestID: String? = nil, companyID: Int64? = nil) {
        self.actor = actor
        self.remoteAddress = remoteAddress
        self.requestID = requestID
        self.companyID = companyID
    }
}
