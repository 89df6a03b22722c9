import Foundation
import GatehouseCore
import GatehouseStore

/// The three client calls of the OAuth door (issue, revoke, introspect) as operations: each is throttled by the
/// failure limits and audited here, so the door only parses the form, calls one of these and renders the answer.
extension TokenService {
    /// Each call's audit action.
    enum ClientCall: String, Sendable {
        case issue = "token.issue"
        case revoke = "token.revoke"
        case introspect = "token.introspect"
    }

    /// `POST /oauth/token`: the token, on record before it is returned. If the audit row cannot be written the
    /// token is withheld and the client retries (group commit makes waiting for the row cheap).
    func issue(_ request: TokenRequest, from origin: Caller) async throws -> Issued {
        try await guarded(.issue, request, from: origin) { request in
            let issued = try await issue(request)
            do {
                try await auditor.recordDurably(
                    ClientCall.issue.rawValue, actor: Actor.client(clientID: issued.record.client.clientID).description,
                    target: AuditTarget.client(issued.record.client.clientID), remoteAddress: origin.remoteAddress,
                    requestID: origin.requestID, companyID: issued.record.serviceAccount?.companyID)
            } catch {
                throw OAuthError(.temporarilyUnavailable, "the token could not be recorded; retry")
            }
            return issued
        }
    }

    /// RFC 7009: the client authenticates; only its own token is revoked, and anything else is quietly ignored.
    func revoke(_ request: TokenRequest, from origin: Caller) async throws {
        try await guarded(.revoke, request, from: origin) { request in
            let record = try await authenticate(request.credentials)
            guard let token = request.parameters["token"], let verified = try? await verify(token),
                  verified.claims.clientID == record.client.clientID else { return }
            try await revoke(verified)
            await auditor.record(ClientCall.revoke.rawValue, actor: Actor.client(clientID: record.client.clientID).description,
                                 target: "jti:\(verified.claims.jti.value)", remoteAddress: origin.remoteAddress, requestID: origin.requestID)
        }
    }

    /// RFC 7662: the client authenticates, and sees only its own live tokens; nil means "inactive".
    func introspect(_ request: TokenRequest, from origin: Caller) async throws -> VerifiedToken? {
        try await guarded(.introspect, request, from: origin) { request in
            let record = try await authenticate(request.credentials)
            guard let token = request.parameters["token"] else { throw OAuthError(.invalidRequest, "token is required") }
            guard let verified = try? await verify(token), verified.claims.clientID == record.client.clientID else { return nil }
            return verified
        }
    }

    /// A call the door could not even parse (a malformed form, two credentials): audited as that call's failure
    /// like any other, and returned in RFC 6749's shape for the door to throw.
    func refused(_ error: any Error, _ call: ClientCall, from origin: Caller) async -> OAuthError {
        let error = OAuthError(wrapping: error)
        await auditFailure(error, call, clientID: nil, from: origin)
        return error
    }

    /// One client call under the failure limits.
    ///
    /// A credential blocked at this address is refused before its secret is checked, so guesses against one
    /// client stay slow. A blocked address is not: client secrets are 256-bit and server-generated, so guessing is
    /// hopeless and the address limit only has to bound the cost of failures. A request whose secret or assertion
    /// verifies is answered normally, and only failures from a blocked address get 429 `slow_down`; clients that
    /// share an egress address with a failing one (an iPaaS, a CI runner, a NAT) keep working.
    private func guarded<T: Sendable>(_ call: ClientCall, _ request: TokenRequest, from origin: Caller,
                                      _ body: (TokenRequest) async throws -> T) async throws -> T {
        let clientID = request.credentials.clientID
        let address = origin.remoteAddress
        do {
            if let wait = failures.retryAfter(.oauth, credential: clientID, address: address, addressToo: false) { throw Self.slowDown(wait) }
            let addressBlocked = failures.retryAfter(.oauth, credential: nil, address: address) != nil
            do {
                return try await body(request)
            } catch let error as OAuthError where error.code == .invalidClient {
                await failures.recordFailure(.oauth, credential: clientID, address: address)
                if addressBlocked, let wait = failures.retryAfter(.oauth, credential: clientID, address: address) { throw Self.slowDown(wait) }
                throw error
            }
        } catch {
            let error = OAuthError(wrapping: error)
            await auditFailure(error, call, clientID: clientID, from: origin)
            throw error
        }
    }

    /// Every failure is audited, whichever layer raised it, except a throttled attempt: that one is counted, not
    /// audited, since the failures that caused the block are in the audit already, and a row per throttled guess
    /// would let an attacker grow the database at will.
    private func auditFailure(_ error: OAuthError, _ call: ClientCall, clientID: String?, from origin: Caller) async {
        guard error.code != .slowDown else { return }
        await auditor.record(
            call.rawValue, actor: (clientID.map { Actor.client(clientID: $0) } ?? .anonymous).description, target: clientID.map(AuditTarget.client),
            outcome: "failure", detail: "\(error.code): \(error.description ?? "")",
            remoteAddress: origin.remoteAddress, requestID: origin.requestID
        )
    }

    static func slowDown(_ wait: Int) -> OAuthError {
        var error = OAuthError(.slowDown, "too many failed attempts; retry after \(wait) s")
        error.extraHeaders = [.retryAfterHeader: "\(wait)"]
        return error
    }
}
