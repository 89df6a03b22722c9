import Crypto
import Foundation
import GatehouseCore
import GatehouseStore

/// One submit, one effect for the console's forms: a post claims its form's one-time token, and a repeated post
/// learns where the first one led. The claim is keyed by the SHA-256 of token, session and action, so the same page
/// token on two forms never collides, and the database (a primary key) decides between two nodes.
struct FormSubmissions<Store: FormSubmissionStore>: Sendable {
    let store: Store
    let clock: any GatehouseCore.Clock

    struct Claim: Sendable {
        let key: String
        let outcome: FormClaim
    }

    func claim(token: String, session: String, action: String) async throws -> Claim {
        let material = "\(token)|\(session)|\(action)"
        let key = SHA256.hash(data: Data(material.utf8)).map { String(format: "%02x", $0) }.joined()
        return Claim(key: key, outcome: try await store.claimForm(key: key, at: clock.now))
    }

    /// Where the first post led; nil releases the claim, so a refused form may be sent again once corrected.
    func finish(_ claim: Claim, ledTo location: String?) async {
        try? await store.recordFormResult(key: claim.key, location: location)
    }
}
