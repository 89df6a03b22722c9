import Foundation
import GatehouseCore
import Synchronization

/// Every client's record, read in one query and kept in memory, so that issuing a token to a client not seen
/// lately costs a dictionary read instead of a database round trip through the reader pool.
///
/// Why it exists: a client asks for a token about once per token lifetime, so with many clients nearly every
/// issuance is its client's first in a while and misses any per-key cache. With 100,000 accounts that miss path
/// held issuance to 0.59× of the 10-account rate (`bench/RESULTS.md`, "100,000 accounts").
///
/// It is exactly as current as the ``ChangeFeed``. A snapshot answers only while the feed still shows the epoch
/// read *before* the snapshot's query began, and only while the feed is complete (on PostgreSQL: while this node
/// is subscribed to the other nodes' changes). Any committed change makes it stale; the next lookup then answers
/// ``Answer/unknown`` (the caller reads the database as before) and starts one reload in the background. A stale
/// snapshot is dropped at once, so at most one is held, plus the one being read.
///
/// Reloads are whole: one query for every client. An incremental one would need a change log per client row; a
/// full reload of 100,000 clients takes well under a second (`bench/RESULTS.md`) and runs at most once per
/// `spacing` (or four times the last reload's duration, if longer), however many changes arrive, so a burst of admin
/// writes costs a few reloads, not one per write, and never more than a fifth of a core.
final class CredentialIndex: Sendable {
    enum Answer: Sendable {
        /// The index is current and holds this client.
        case found(ClientRecord)
        /// The index is current and no client has this id: no database read is needed to say so.
        case absent
        /// The index cannot answer (not loaded yet, or stale): read the database.
        case unknown
    }

    private struct State {
        var records: Snapshot?
        /// Records rebuilt from `records` lately: a REST call looks its client up on every request, and a rebuild
        /// (the hash's text above all) cost 2.4 % of `/me`. Emptied with `records`.
        var recent = GenerationalMap<String, ClientRecord>(capacity: CredentialIndex.recentCapacity)
        /// The feed's epoch before `records` were read.
        var epoch: UInt64 = 0
        var loading = false
        /// When the next reload may start: `spacing` after the last one ended, or four times its duration if that
        /// is longer, so that reloading under a stream of changes never takes more than a fifth of a core.
        var nextReload: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    /// Rebuilt records kept per generation of ``State/recent`` (at most twice this are held, some 7 MB).
    static let recentCapacity = 4_096
    private let feed: ChangeFeed
    /// The least time between the end of one reload and the start of the next.
    private let spacing: Duration

    init(feed: ChangeFeed, spacing: Duration = .milliseconds(250)) {
        self.feed = feed
        self.spacing = spacing
    }

    /// How many clients the current snapshot holds (0 when there is none): for metrics and tests.
    var count: Int { state.withLock { $0.records?.count ?? 0 } }

    func lookup(_ clientID: String) -> Answer {
        let epoch = feed.current
        let complete = feed.isComplete
        return state.withLock { state in
            guard state.records != nil else { return .unknown }
            guard complete, state.epoch == epoch else {
                state.records = nil
                state.recent = GenerationalMap(capacity: Self.recentCapacity)
                return .unknown
            }
            if let record = state.recent.get(clientID) { return .found(record) }
            guard let record = state.records?.record(clientID) else { return .absent }
            state.recent.set(record, for: clientID)
            return .found(record)
        }
    }

    /// Claims the next reload when the index is stale, none is running and the last ended `spacing` ago; answers
    /// the epoch the reload must read under, or nil when there is nothing to do.
    func claimReload() -> UInt64? {
        let epoch = feed.current
        guard feed.isComplete else { return nil }
        return state.withLock { state in
            if state.loading || (state.records != nil && state.epoch == epoch) { return nil }
            if let next = state.nextReload, ContinuousClock.now < next { return nil }
            state.loading = true
            return epoch
        }
    }

    /// Ends a claimed reload that began at `started`; `records` is nil when it failed, and a later lookup claims
    /// another.
    func finishReload(epoch: UInt64, started: ContinuousClock.Instant, records: Snapshot?) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.loading = false
            state.nextReload = now + max(spacing, (now - started) * 4)
            if let records {
                state.records = records
                state.recent = GenerationalMap(capacity: Self.recentCapacity)
                state.epoch = epoch
            }
        }
    }

    /// Changes one client's record in place, for a write that deliberately does not move the feed (a re-hash,
    /// which changes no answer and so must not reload every node's index).
    func modify(_ clientID: String, _ body: (inout ClientRecord) -> Void) {
        state.withLock { state in
            guard var record = state.records?.record(clientID) else { return }
            body(&record)
            state.records!.insert(record)
            state.recent.remove(clientID)
        }
    }
}

extension CredentialIndex {
    /// A client id as the index keys it: a generated id (64 hex digits) as its 32 bytes, inline, with no
    /// allocation; any other id (given by a deployment document) as its text.
    enum Key: Hashable, Sendable {
        case hex(UInt64, UInt64, UInt64, UInt64)
        case text(String)

        init(_ clientID: String) {
            let utf8 = clientID.utf8
            guard utf8.count == 64 else { self = .text(clientID); return }
            var words: [UInt64] = [0, 0, 0, 0]
            var index = 0
            for byte in utf8 {
                let nibble: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
                // Upper case would not round-trip to the same text: keep such an id as text.
                default: self = .text(clientID); return
                }
                words[index / 16] = words[index / 16] << 4 | UInt64(nibble)
                index += 1
            }
            self = .hex(words[0], words[1], words[2], words[3])
        }
    }

    /// The pepper key ids of one snapshot's hashes, each held once (a deployment has a handful).
    struct KeyIDs: Sendable {
        private(set) var names: [String] = []
        private var positions: [String: UInt16] = [:]

        mutating func position(of name: String) -> UInt16? {
            if let known = positions[name] { return known }
            guard names.count < Int(UInt16.max) else { return nil }
            positions[name] = UInt16(names.count)
            names.append(name)
            return UInt16(names.count - 1)
        }
    }

    /// One secret with its HMAC digest as 32 bytes and its pepper's key id by position, instead of the ~70-byte
    /// text `hmac-sha256$<key id>$<digest>` that ``StoredSecret`` holds.
    struct CompactSecret: Sendable {
        let id: Int64
        let createdAt: Int64
        /// `Int64.min` for a secret with no expiry.
        let expiresAt: Int64
        let keyID: UInt16
        let digest: (UInt64, UInt64, UInt64, UInt64)

        init?(_ secret: StoredSecret, keyIDs: inout KeyIDs) {
            let parts = secret.hash.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == SecretHasher.algorithm,
                  let bytes = Data(base64URLEncoded: String(parts[2])), bytes.count == 32,
                  let key = keyIDs.position(of: String(parts[1]))
            else { return nil }
            let word = { (at: Int) in bytes[bytes.startIndex + at ..< bytes.startIndex + at + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            self.id = secret.id
            self.createdAt = secret.createdAt.unixSeconds
            self.expiresAt = secret.expiresAt?.unixSeconds ?? .min
            self.keyID = key
            self.digest = (word(0), word(8), word(16), word(24))
            // Only a form that comes back byte for byte is compacted; anything else is kept as it was.
            guard stored(keyIDs: keyIDs).hash == secret.hash else { return nil }
        }

        func stored(keyIDs: KeyIDs) -> StoredSecret {
            var bytes = [UInt8]()
            bytes.reserveCapacity(32)
            for word in [digest.0, digest.1, digest.2, digest.3] {
                for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
            }
            return StoredSecret(
                id: id, hash: "\(SecretHasher.algorithm)$\(keyIDs.names[Int(keyID)])$\(Data(bytes).base64URLEncodedString())",
                createdAt: Date(unixSeconds: createdAt), expiresAt: expiresAt == .min ? nil : Date(unixSeconds: expiresAt)
            )
        }
    }

    /// A ``ClientRecord`` without its client id (the key holds it) and with its secrets compacted: about a third
    /// of the memory, rebuilt into a ``ClientRecord`` on each lookup (two small allocations).
    struct Entry: Sendable {
        let clientPK: Int64
        let generation: Int64
        let isEnabled: Bool
        let kind: OAuthClient.Kind
        /// The usual case: one secret, compacted.
        let secret: CompactSecret?
        /// A second secret (during a rotation) or one whose hash has another form.
        let others: [StoredSecret]
        let account: Account?
        let jwks: String?

        struct Account: Sendable {
            let id: Int64
            let companyID: Int64
            let contactID: Int64
            let appID: Int64?
            let createdAt: Int64
            let appType: ServiceAccount.AppType
            let name: String
        }

        init(_ record: ClientRecord, keyIDs: inout KeyIDs) {
            clientPK = record.client.id
            generation = record.client.generation
            isEnabled = record.client.isEnabled
            kind = record.client.kind
            var compact: CompactSecret?
            var others: [StoredSecret] = []
            for stored in record.secrets {
                if compact == nil, let small = CompactSecret(stored, keyIDs: &keyIDs) { compact = small } else { others.append(stored) }
            }
            secret = compact
            self.others = others
            account = record.serviceAccount.map {
                Account(id: $0.id, companyID: $0.companyID, contactID: $0.contactID, appID: $0.appID, createdAt: $0.createdAt.unixSeconds,
                        appType: $0.appType, name: $0.name)
            }
            jwks = record.jwks
        }

        func record(clientID: String, keyIDs: KeyIDs) -> ClientRecord {
            let client = OAuthClient(id: clientPK, clientID: clientID, kind: kind, generation: generation, isEnabled: isEnabled)
            var secrets = others
            if let secret { secrets.append(secret.stored(keyIDs: keyIDs)) }
            // Newest first, as the database returns them.
            if secrets.count > 1 { secrets.sort { $0.id > $1.id } }
            let serviceAccount = account.map {
                ServiceAccount(id: $0.id, companyID: $0.companyID, name: $0.name, appType: $0.appType, appID: $0.appID, contactID: $0.contactID,
                               client: client, createdAt: Date(unixSeconds: $0.createdAt))
            }
            return ClientRecord(client: client, secrets: secrets, serviceAccount: serviceAccount, jwks: jwks)
        }
    }

    /// What a reload hands over: the compacted entries and the key ids they refer to.
    ///
    /// Entries sit in one array and the dictionary maps keys to positions: a dictionary's table is a power of two
    /// at most three quarters full, so for 100,000 clients it has 262,144 slots, which costs 48 bytes a slot this
    /// way against some 240 with the entries inside it.
    struct Snapshot: Sendable {
        private var positions: [Key: Int32] = [:]
        private var entries: [Entry] = []
        private var keyIDs = KeyIDs()

        mutating func insert(_ record: ClientRecord) {
            let key = Key(record.client.clientID), entry = Entry(record, keyIDs: &keyIDs)
            if let position = positions[key] {
                entries[Int(position)] = entry
            } else if entries.count < Int(Int32.max) {
                positions[key] = Int32(entries.count)
                entries.append(entry)
            }
        }

        func record(_ clientID: String) -> ClientRecord? {
            positions[Key(clientID)].map { entries[Int($0)].record(clientID: clientID, keyIDs: keyIDs) }
        }

        var count: Int { entries.count }
    }
}
