import Crypto
import Foundation
import GatehouseCore

/// The root secret of a deployment. Everything else is derived from it with HKDF, one label per use,
/// so the secret-hashing pepper and the key that seals signing keys are independent.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    public init(_ key: SymmetricKey) { self.key = key }

    /// Parses `GATEHOUSE_MASTER_KEY`: base64 or base64url of at least 32 bytes.
    public init?(encoded: String) {
        let text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text) ?? Data(base64URLEncoded: text), data.count >= 32 else { return nil }
        self.key = SymmetricKey(data: data)
    }

    public static func generate() -> MasterKey { MasterKey(SymmetricKey(size: .bits256)) }

    public var encoded: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Loads the key from the environment, or from `<dataDirectory>/master.key`, creating that file
    /// (mode 0600) on first start so that a restart keeps secrets and tokens valid.
    public static func load(environment: String?, dataDirectory: String) throws -> MasterKey {
        if let environment {
            guard let key = MasterKey(encoded: environment) else {
                throw ConfigurationError("GATEHOUSE_MASTER_KEY must be base64 of at least 32 bytes")
            }
            return key
        }
        let path = (dataDirectory as NSString).appendingPathComponent("master.key")
        let fm = FileManager.default
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = MasterKey(encoded: text) else { throw ConfigurationError("\(path) does not hold a valid master key") }
            return key
        }
        try fm.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = MasterKey.generate()
        guard fm.createFile(atPath: path, contents: Data((key.encoded + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write \(path)")
        }
        return key
    }

    func derive(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(label.utf8), outputByteCount: 32)
    }

    /// A short public id of this key, so a stored hash names the pepper that made it.
    var keyID: String {
        let digest = SHA256.hash(data: derive("gatehouse/key-id/v1").withUnsafeBytes { Data($0) })
        return digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    public var secretHasher: SecretHasher { SecretHasher(currentKeyID: keyID, pepper: derive("gatehouse/secret-pepper/v1")) }

    /// Seals data with AES-GCM under a key derived for signing keys only.
    func seal(_ plaintext: Data) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: derive("gatehouse/signing-key-seal/v1"))
        guard let combined = box.combined else { throw ConfigurationError("AES-GCM produced no output") }
        return "aes-256-gcm$\(keyID)$\(combined.base64URLEncodedString())"
    }

    func open(_ sealed: String) throws -> Data {
        let parts = sealed.split(separator: "$")
        guard parts.count == 3, parts[0] == "aes-256-gcm", let combined = Data(base64URLEncoded: String(parts[2])) else {
            throw ConfigurationError("sealed signing key has an unknown format")
        }
        guard String(parts[1]) == keyID else {
            throw ConfigurationError("signing key was sealed by another master key (\(parts[1])); check GATEHOUSE_MASTER_KEY")
        }
        return try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: derive("gatehouse/signing-key-seal/v1"))
    }
}

/// A start-up configuration problem, with a message for the operator.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
