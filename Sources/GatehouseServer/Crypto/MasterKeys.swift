import Crypto
import Foundation
import GatehouseCore

/// The master key a node uses, and the earlier (or next) ones it still accepts during a rotation.
///
/// Only the current key hashes new secrets and seals signing keys. Every accepted key verifies hashes and opens
/// sealed keys, each found by the key id that the stored value names, so a node can serve while the stored data
/// is on either key. Rotating is therefore a roll of the nodes, not a stop (docs/operations.md, "Master-key
/// rotation").
public struct MasterKeys: Sendable {
    public let current: MasterKey
    /// Accepted, never used to hash or seal. Empty outside a rotation.
    public let accepted: [MasterKey]

    public init(current: MasterKey, accepted: [MasterKey] = []) {
        self.current = current
        self.accepted = accepted.filter { $0.keyID != current.keyID }
    }

    public var secretHasher: SecretHasher {
        var previous: [String: SymmetricKey] = [:]
        for key in accepted { previous[key.keyID] = key.pepper }
        return SecretHasher(currentKeyID: current.keyID, pepper: current.pepper, previous: previous)
    }

    /// Seals under the current key only.
    func seal(_ plaintext: Data) throws -> String { try current.seal(plaintext) }

    /// Opens with whichever accepted key sealed it.
    func open(_ sealed: String) throws -> Data {
        let id = MasterKey.sealingKeyID(of: sealed)
        guard let key = ([current] + accepted).first(where: { $0.keyID == id }) else {
            throw ConfigurationError("signing key was sealed by another master key (\(id ?? "unknown")); check GATEHOUSE_MASTER_KEY and GATEHOUSE_MASTER_KEY_PREVIOUS")
        }
        return try key.open(sealed)
    }

    /// Re-seals one stored signing key under the current key; nil when it already is.
    func resealed(_ sealed: String) throws -> String? {
        MasterKey.sealingKeyID(of: sealed) == current.keyID ? nil : try seal(try open(sealed))
    }
}

extension MasterKey {
    /// The key id a sealed value names (`aes-256-gcm$<key id>$…`).
    static func sealingKeyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: "$")
        return parts.count == 3 ? String(parts[1]) : nil
    }

    var pepper: SymmetricKey { derive("gatehouse/secret-pepper/v1") }
}

extension MasterKeys {
    /// The file beside `master.key` that holds the keys a rotation replaced, one per line, until they are dropped.
    public static func previousKeyFile(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("master.key.previous")
    }

    /// The accepted keys: `GATEHOUSE_MASTER_KEY_PREVIOUS` (comma-separated) when set, else
    /// `<dataDirectory>/master.key.previous` when it exists, else none.
    public static func loadAccepted(environment: String?, dataDirectory: String) throws -> [MasterKey] {
        let text: String
        let source: String
        if let environment {
            (text, source) = (environment.replacingOccurrences(of: ",", with: "\n"), "GATEHOUSE_MASTER_KEY_PREVIOUS")
        } else {
            let path = previousKeyFile(dataDirectory: dataDirectory)
            var info = stat()
            guard stat(path, &info) == 0 else {
                guard errno == ENOENT else { throw ConfigurationError("cannot read \(path): \(String(cString: strerror(errno)))") }
                return []
            }
            guard info.st_mode & 0o077 == 0 else {
                throw ConfigurationError("\(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
            }
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigurationError("cannot read \(path): \(error.localizedDescription)")
            }
            source = path
        }
        return try text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { line in
            guard let key = MasterKey(encoded: line) else { throw ConfigurationError("\(source) holds a value that is not a master key (base64 of at least 32 random bytes)") }
            return key
        }
    }
}
