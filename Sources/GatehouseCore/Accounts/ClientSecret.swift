import Crypto
import Foundation

/// A client secret in plaintext. It exists only between generation and the one response that shows it,
/// and between parsing a request and hashing it; it is never stored or logged.
public struct ClientSecret: Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// 256 bits from the system CSPRNG, base64url: 43 characters.
    public static func generate() -> ClientSecret { ClientSecret(RandomToken.base64URL(byteCount: 32)) }

    /// Redacted, so that string interpolation into a log line can never leak it.
    public var description: String { "ClientSecret(redacted)" }
}

/// Hashes client secrets for storage and checks them in constant time.
///
/// HMAC-SHA256 keyed by a server pepper, not bcrypt: the secrets are 256-bit random values, so a slow KDF
/// adds CPU cost to every token request without adding safety. The pepper means a stolen table alone
/// cannot be used to test guesses. The stored string is self-describing, `hmac-sha256$<key id>$<digest>`,
/// so the algorithm or the pepper can change later while old hashes still verify.
public struct SecretHasher: Sendable {
    public static let algorithm = "hmac-sha256"

    /// Peppers by key id. The current one hashes; all of them verify.
    private let peppers: [String: SymmetricKey]
    /// An HMAC keyed with each pepper, not yet fed: a copy of it authenticates a secret without keying HMAC
    /// again (the key schedule was a third of `verify` in the token profile).
    private let keyed: [String: HMAC<SHA256>]
    public let currentKeyID: String

    public init(currentKeyID: String, pepper: SymmetricKey, previous: [String: SymmetricKey] = [:]) {
        var all = previous
        all[currentKeyID] = pepper
        self.peppers = all
        self.keyed = all.mapValues { HMAC<SHA256>(key: $0) }
        self.currentKeyID = currentKeyID
    }

    public func hash(_ secret: ClientSecret) -> String { hash(secret, keyID: currentKeyID)! }

    private func hash(_ secret: ClientSecret, keyID: String) -> String? {
        guard let pepper = peppers[keyID] else { return nil }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(secret.value.utf8), using: pepper)
        return "\(Self.algorithm)$\(keyID)$\(Data(mac).base64URLEncodedString())"
    }

    /// The hashes `secret` may be stored under, the current pepper's first: for credentials looked up by their
    /// hash (operator tokens), which must still be found while the table is part-way through a rotation.
    public func candidateHashes(_ secret: ClientSecret) -> [String] {
        [hash(secret)] + peppers.keys.filter { $0 != currentKeyID }.sorted().compactMap { hash(secret, keyID: $0) }
    }

    /// The id of the pepper a stored hash was made with.
    public static func keyID(of stored: String) -> String? {
        fields(of: stored).map { String($0.keyID) }
    }

    /// `algorithm$keyID$digest`, split on the bytes: `String.split` walks graphemes, and this runs on every
    /// issuance (it was 2 % of one in the profile). Nil unless there are exactly three fields and the first names
    /// this algorithm.
    private static func fields(of stored: String) -> (keyID: Substring, digest: Substring)? {
        let utf8 = stored.utf8
        let dollar = UInt8(ascii: "$")
        guard let first = utf8.firstIndex(of: dollar) else { return nil }
        let keyStart = utf8.index(after: first)
        guard let second = utf8[keyStart...].firstIndex(of: dollar) else { return nil }
        let digestStart = utf8.index(after: second)
        guard !utf8[digestStart...].contains(dollar), stored[..<first] == algorithm else { return nil }
        return (stored[keyStart..<second], stored[digestStart...])
    }

    /// Whether a stored hash is on the current pepper. One that verified but is not gets re-hashed then, while
    /// the secret is in hand: the only moment it can be, since the secret itself is never kept.
    public func isCurrent(_ stored: String) -> Bool { Self.keyID(of: stored) == currentKeyID }

    /// Constant time in the secret: the code's `==` against bytes is swift-crypto's `safeCompare`, which
    /// compares digests without early exit.
    public func verify(_ secret: ClientSecret, against stored: String) -> Bool {
        guard let fields = Self.fields(of: stored),
              var mac = keyed[String(fields.keyID)],
              let digest = Data(base64URLEncoded: String(fields.digest)), digest.count == 32
        else { return false }
        var value = secret.value
        value.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return mac.finalize() == digest
    }
}
