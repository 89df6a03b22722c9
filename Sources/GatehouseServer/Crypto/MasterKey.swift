import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
/// `open(2)` with O_EXCL and mode 0600 (the type's own `open(_:)` method hides the C function).
private func createExclusively(_ path: String) -> Int32 { Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
#elseif canImport(Darwin)
import Darwin
private func createExclusively(_ path: String) -> Int32 { Darwin.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
#endif
import GatehouseCore
import GatehouseStore

/// The root secret of a deployment. Everything else is derived from it with HKDF, one label per use,
/// so the secret-hashing pepper and the key that seals signing keys are independent.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    public init(_ key: SymmetricKey) { self.key = key }

    /// Parses `GATEHOUSE_MASTER_KEY`: base64 or base64url of at least 32 random bytes. A value that is plainly
    /// not random (a passphrase of letters, or bytes that repeat) is refused, since everything derives from it.
    public init?(encoded: String) {
        let text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text) ?? Data(base64URLEncoded: text), data.count >= 32 else { return nil }
        guard !text.allSatisfy({ $0.isLetter }), Set(data).count >= data.count / 2 else { return nil }
        self.key = SymmetricKey(data: data)
    }

    public static func generate() -> MasterKey { MasterKey(SymmetricKey(size: .bits256)) }

    public var encoded: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Loads the key from the environment, or from `<dataDirectory>/master.key`, creating that file
    /// (mode 0600) on first start so that a restart keeps secrets and tokens valid.
    public static func load(environment: String?, dataDirectory: String) throws -> MasterKey {
        if let environment {
            guard let key = MasterKey(encoded: environment) else {
                throw ConfigurationError("GATEHOUSE_MASTER_KEY must be base64 of at least 32 random bytes (openssl rand -base64 32)")
            }
            return key
        }
        let path = (dataDirectory as NSString).appendingPathComponent("master.key")
        var info = stat()
        if stat(path, &info) == 0 {
            return try read(path, mode: info.st_mode)
        }
        // Only "no such file" means first start; anything else (permissions, I/O) stops start-up untouched.
        guard errno == ENOENT else { throw ConfigurationError("cannot read \(path): \(String(cString: strerror(errno)))") }
        try PrivateFiles.directory(dataDirectory)
        let key = MasterKey.generate()
        // O_EXCL: never overwrite a key another process wrote a moment ago; 0600 from the first byte.
        let fd = createExclusively(path)
        if fd < 0 {
            if errno == EEXIST, stat(path, &info) == 0 { return try read(path, mode: info.st_mode) }
            throw ConfigurationError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((key.encoded + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw ConfigurationError("cannot write \(path)") }
        return key
    }

    /// Reads an existing key file, refusing one that group or others may read, as `ssh` refuses a private key.
    private static func read(_ path: String, mode: mode_t) throws -> MasterKey {
        guard mode & 0o077 == 0 else {
            throw ConfigurationError("\(path) is readable by group or others (mode \(String(mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("cannot read \(path): \(error.localizedDescription)")
        }
        guard let key = MasterKey(encoded: text) else { throw ConfigurationError("\(path) does not hold a valid master key (base64 of at least 32 random bytes)") }
        return key
    }

    func derive(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(label.utf8), outputByteCount: 32)
    }

    /// A short public id of this key, so a stored hash names the pepper that made it.
    public var keyID: String {
        let digest = SHA256.hash(data: derive("gatehouse/key-id/v1").withUnsafeBytes { Data($0) })
        return digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    public var secretHasher: SecretHasher { MasterKeys(current: self).secretHasher }

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
