import Foundation
import GatehouseCore
import GatehouseStore

/// Signing-key rotation for access tokens.
struct Keys<Store: AuditStore>: Sendable {
    let ring: KeyRing
    let auditor: Auditor<Store>

    func describe() async -> [KeyRing.KeyDescription] { await ring.describe() }

    /// Publishes a new key now; it starts signing after `activateIn` seconds (default 300), so verifiers that
    /// cache the JWKS learn it first.
    func rotate(activateIn: Int?, by caller: Caller) async throws -> [KeyRing.KeyDescription] {
        let delay = activateIn ?? 300
        guard (0...(7 * 86_400)).contains(delay) else {
            throw ValidationError("activate_in must be 0 to 604800 seconds", fields: ["activate_in": "must be 0 to 604800"])
        }
        let kid = try await ring.createKey(activatingIn: TimeInterval(delay))
        await auditor.record("keys.rotate", by: caller, target: "kid:\(kid)", detail: "activates in \(delay) s")
        return await ring.describe()
    }

    /// Retires a key now: it leaves the JWKS and every token it signed stops verifying, on every node.
    func retire(kid: String, by caller: Caller) async throws -> [KeyRing.KeyDescription] {
        try await ring.retire(kid: kid)
        await auditor.record("keys.retire", by: caller, target: "kid:\(kid)")
        return await ring.describe()
    }

    /// Deletes a retired key (a live one is refused).
    func delete(kid: String, by caller: Caller) async throws {
        try await ring.delete(kid: kid)
        await auditor.record("keys.delete", by: caller, target: "kid:\(kid)")
    }
}
