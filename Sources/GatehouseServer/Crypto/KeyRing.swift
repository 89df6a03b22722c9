import Crypto
import Foundation
import GatehouseCore
import GatehouseStore
import JWTKit
import Synchronization

/// The ES256 signing keys: loaded from the store, unsealed with the master key, published as a JWKS.
///
/// A key is published from its creation and signs from `activatesAt`, so verifiers that cache the JWKS
/// already know it when the first token signed by it arrives. A superseded key leaves the JWKS one token
/// lifetime after its successor activates, and a retired key leaves it at once. Only published keys verify, so
/// retiring a key ends its tokens immediately, on every node (the change feed tells the others).
public actor KeyRing {
    private let store: any SigningKeyStore
    private let masterKeys: MasterKeys
    private let clock: any GatehouseCore.Clock
    /// The longest token lifetime: a superseded key stays published this long after its successor activates.
    private let retention: TimeInterval
    /// Moves when any node changes stored data (a key rotation included); a moved feed means re-read.
    private let changes: ChangeFeed?
    private var loadedEpoch: UInt64 = 0
    private var keys: [StoredSigningKey] = []
    private var collection = JWTKeyCollection()
    /// When the keys were last read from the store. Other nodes may rotate; re-reading every 30 s keeps every
    /// node's JWKS and signer current well within the default 300 s activation delay.
    private var loadedAt = ContinuousClock.now
    private static let refreshInterval: Duration = .seconds(30)
    /// The kids that may verify, readable without an actor hop on every REST call, with the change-feed epoch
    /// they were computed at: a moved feed means "ask again after a refresh".
    private nonisolated let verifiable = Mutex<(epoch: UInt64, kids: Set<String>)>((0, []))
    /// The keys that may sign, with when and at which epoch they were loaded: signing reads them without an
    /// actor hop, so both cores sign at once (the actor only serialises loading).
    private nonisolated let signers = Mutex<(epoch: UInt64, loadedAt: ContinuousClock.Instant, keys: [ES256Signer])>((0, .now, []))

    public init(store: any SigningKeyStore, masterKeys: MasterKeys, clock: any GatehouseCore.Clock, retention: TimeInterval, changes: ChangeFeed? = nil) {
        self.store = store
        self.changes = changes
        self.retention = retention
        self.masterKeys = masterKeys
        self.clock = clock
    }

    /// Loads every key; creates the first one if the store has none.
    public func load() async throws {
        var stored = try await store.signingKeys()
        if stored.isEmpty {
            _ = try await createKey(activatingIn: 0)
            stored = try await store.signingKeys()
        }
        try await install(stored)
    }

    /// Creates a new key, published now and signing after `delay` seconds.
    @discardableResult
    public func createKey(activatingIn delay: TimeInterval) async throws -> String {
        let privateKey = P256.Signing.PrivateKey()
        let point = privateKey.publicKey.x963Representation   // 0x04 || X || Y
        let now = clock.now
        let key = StoredSigningKey(
            kid: RandomToken.base64URL(byteCount: 12),
            sealedPrivateKey: try masterKeys.seal(privateKey.rawRepresentation),
            publicX: Data(point[1...32]).base64URLEncodedString(),
            publicY: Data(point[33...64]).base64URLEncodedString(),
            createdAt: now, activatesAt: now.addingTimeInterval(delay), retiredAt: nil
        )
        try await store.insertSigningKey(key)
        try await install(try await store.signingKeys())
        return key.kid
    }

    private func install(_ stored: [StoredSigningKey]) async throws {
        let epoch = changes?.current ?? 0
        let fresh = JWTKeyCollection()
        self.keys = stored
        let published = publishedKeys()
        var signing: [ES256Signer] = []
        for key in published {
            let raw = try masterKeys.open(key.sealedPrivateKey)
            let privateKey = try P256.Signing.PrivateKey(rawRepresentation: raw)
            await fresh.add(ecdsa: try ES256PrivateKey(backing: privateKey), kid: JWKIdentifier(string: key.kid))
            if key.retiredAt == nil { signing.append(ES256Signer(kid: key.kid, activatesAt: key.activatesAt, privateKey: privateKey)) }
        }
        self.collection = fresh
        let now = ContinuousClock.now
        self.loadedAt = now
        self.loadedEpoch = epoch
        verifiable.withLock { $0 = (epoch, Set(published.map(\.kid))) }
        signers.withLock { $0 = (epoch, now, signing) }
    }

    /// Re-reads the keys if the last read is older than `interval`; a failed read keeps the current set.
    private func refresh(olderThan interval: Duration) async {
        let changed = changes.map { $0.current != loadedEpoch } ?? false
        guard changed || ContinuousClock.now - loadedAt > interval, let stored = try? await store.signingKeys() else { return }
        try? await install(stored)
    }

    /// The newest key that is already active.
    func signingKID() throws -> String {
        let now = clock.now
        guard let key = keys.filter({ $0.activatesAt <= now && $0.retiredAt == nil }).max(by: { $0.activatesAt < $1.activatesAt }) else {
            throw ConfigurationError("no active signing key")
        }
        return key.kid
    }

    /// Signs with the newest active key, off the actor. Only a moved change feed or a 30-second-old load
    /// makes it wait for a refresh first.
    nonisolated func sign(_ claims: AccessTokenClaims) async throws -> String {
        let (epoch, loadedAt, _) = signers.withLock { $0 }
        if (changes.map { $0.current != epoch } ?? false) || ContinuousClock.now - loadedAt > Self.refreshInterval {
            await refresh(olderThan: Self.refreshInterval)
        }
        let now = clock.now
        guard let signer = signers.withLock({ $0.keys }).filter({ $0.activatesAt <= now }).max(by: { $0.activatesAt < $1.activatesAt }) else {
            throw ConfigurationError("no active signing key")
        }
        return try signer.sign(claims)
    }

    func verify(_ token: String) async throws -> AccessTokenClaims {
        do {
            return try await collection.verify(token, as: AccessTokenClaims.self)
        } catch {
            // A token signed by a key another node just created: re-read (at most once a second) and retry.
            let before = loadedAt
            await refresh(olderThan: .seconds(1))
            guard loadedAt != before else { throw error }
            return try await collection.verify(token, as: AccessTokenClaims.self)
        }
    }

    /// Whether a token signed with `kid` may verify; nil when another node may have changed the keys since they
    /// were loaded, and the caller should refresh and ask again.
    nonisolated func mayVerify(kid: String) -> Bool? {
        verifiable.withLock { state in
            if let changes, changes.current != state.epoch { return nil }
            return state.kids.contains(kid)
        }
    }

    /// Re-reads the keys now and answers from what it read. The feed may move again meanwhile (another change,
    /// or our own notification coming back); the answer stands for the keys as just read.
    /// An unknown `kid` reloads the keys only if the change feed moved or a second has passed: anyone can send
    /// made-up kids, and each must not cost a database read and a key import.
    func mayVerifyAfterRefresh(kid: String) async -> Bool {
        await refresh(olderThan: .seconds(1))
        return verifiable.withLock { $0.kids.contains(kid) }
    }

    /// Retires a key: it stops signing, leaves the JWKS, and its tokens stop verifying. Refused when it would
    /// leave nothing to sign with.
    func retire(kid: String) async throws {
        guard keys.contains(where: { $0.kid == kid }) else { throw DomainError.notFound("signing key") }
        let now = clock.now
        let others = keys.filter { $0.kid != kid && $0.retiredAt == nil && $0.activatesAt <= now }
        guard !others.isEmpty else {
            throw DomainError.conflict("this is the only key that can sign now; rotate with activate_in 0 first, then retire it")
        }
        try await store.retireSigningKey(kid: kid, at: now)
        try await install(try await store.signingKeys())
    }

    func delete(kid: String) async throws {
        try await store.deleteSigningKey(kid: kid)
        try await install(try await store.signingKeys())
    }

    /// Keys a verifier may still meet: not yet active (published ahead), the signing key, and superseded keys
    /// until every token they signed has expired; never a retired key.
    private func publishedKeys() -> [StoredSigningKey] {
        let now = clock.now
        let live = keys.filter { $0.retiredAt == nil }
        let active = live.filter { $0.activatesAt <= now }.sorted { $0.activatesAt < $1.activatesAt }
        return live.filter { key in
            guard key.activatesAt <= now else { return true }
            guard let successor = active.first(where: { $0.activatesAt > key.activatesAt }) else { return true }
            return now < successor.activatesAt.addingTimeInterval(retention)
        }
    }

    /// The public JWKS: x and y only, never `d`.
    func jwks() async -> [[String: String]] {
        await refresh(olderThan: Self.refreshInterval)
        return publishedKeys().map { ["kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": $0.kid, "x": $0.publicX, "y": $0.publicY] }
    }
}

extension KeyRing {
    struct KeyDescription: Encodable {
        let kid: String
        let created_at: String
        let activates_at: String
        let retired_at: String?
        let signing: Bool
        let published: Bool
    }

    func describe() -> [KeyDescription] {
        let f = ISO8601DateFormatter()
        let signing = try? signingKID()
        let published = Set(publishedKeys().map(\.kid))
        return keys.map {
            KeyDescription(kid: $0.kid, created_at: f.string(from: $0.createdAt), activates_at: f.string(from: $0.activatesAt),
                           retired_at: $0.retiredAt.map(f.string(from:)), signing: $0.kid == signing, published: published.contains($0.kid))
        }
    }
}
