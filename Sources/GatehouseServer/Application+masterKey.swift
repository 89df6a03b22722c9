import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// What `gatehouse master-key status` reports.
public struct MasterKeyStatus: Sendable {
    public let currentKeyID: String
    public let acceptedKeyIDs: [String]
    public let usage: MasterKeyUsage

    /// Stored values (client secrets, operator tokens, signing keys) made with a key other than the current one.
    public var notOnCurrent: Int {
        [usage.clientSecrets, usage.operatorTokens, usage.signingKeys].reduce(0) { total, counts in
            total + counts.filter { $0.key != currentKeyID }.values.reduce(0, +)
        }
    }

    /// The lines the CLI prints.
    public var lines: [String] {
        func counts(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.value) on \($0.key)" }.joined(separator: ", ")
        }
        var lines = [
            "current master key: \(currentKeyID)",
            "accepted earlier keys: \(acceptedKeyIDs.isEmpty ? "none" : acceptedKeyIDs.joined(separator: ", "))",
            "client secrets: \(counts(usage.clientSecrets))",
            "operator tokens: \(counts(usage.operatorTokens))",
            "signing keys: \(counts(usage.signingKeys))",
        ]
        lines.append(notOnCurrent == 0
            ? "nothing needs an earlier key: it can be dropped"
            : "\(notOnCurrent) stored values still need an earlier key; each client secret and operator token moves to the current key the next time it is presented")
        return lines
    }
}

/// What `gatehouse master-key rotate` did.
public struct MasterKeyRotation: Sendable {
    public let previousKeyID: String
    public let newKeyID: String
    public let resealedSigningKeys: Int
    /// True when the keys live in the data directory and the files were switched; false when they come from the
    /// environment, which the operator switches on every node.
    public let switchedFiles: Bool
}

/// `gatehouse master-key status`: which master key made each stored hash and sealed key.
public func masterKeyStatus(configuration: GatehouseConfiguration, logger: Logger) async throws -> MasterKeyStatus {
    let keys = try configuration.loadMasterKeys()
    return try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock)
        try await store.migrate(logger: logger)
        return MasterKeyStatus(currentKeyID: keys.current.keyID, acceptedKeyIDs: keys.accepted.map(\.keyID), usage: try await store.masterKeyUsage())
    }
}

/// `gatehouse master-key rotate --new-key-file F`: re-seals every signing key under the new key in one
/// transaction, and, when the keys live in the data directory, makes the new key current and keeps the old one
/// accepted (`master.key.previous`). Client secrets and operator tokens cannot be re-hashed here, since only
/// their hashes are stored: each moves when it is next presented (``TokenService``, ``AdminAuthenticator``).
///
/// The files change in an order where every intermediate state still opens every key: the new key is accepted
/// first, then the signing keys move, then the new key becomes current, then it leaves the accepted list.
/// On SQLite the server must be stopped (the same lock as `restore`); on PostgreSQL, with keys from the
/// environment, the nodes must already accept the new key (docs/operations.md, "Master-key rotation").
public func rotateMasterKey(newKeyFile: String, configuration: GatehouseConfiguration, logger: Logger) async throws -> MasterKeyRotation {
    let text: String
    do { text = try String(contentsOfFile: newKeyFile, encoding: .utf8) } catch {
        throw ConfigurationError("cannot read \(newKeyFile): \(error.localizedDescription)")
    }
    guard let new = MasterKey(encoded: text) else {
        throw ConfigurationError("\(newKeyFile) does not hold a master key (base64 of at least 32 random bytes: openssl rand -base64 32)")
    }
    let keys = try configuration.loadMasterKeys()
    guard new.keyID != keys.current.keyID else { throw ConfigurationError("\(newKeyFile) holds the current master key") }
    let fromFiles = configuration.masterKeyFromEnvironment == nil
    var lock: FileLock?
    if let path = configuration.sqlitePath {
        guard let held = try FileLock.acquire(path + ".lock") else {
            throw ConfigurationError("a running gatehouse server holds \(path); stop it before rotating the master key")
        }
        lock = held
    }
    let previous = [keys.current] + keys.accepted.filter { $0.keyID != new.keyID }
    let previousFile = MasterKeys.previousKeyFile(dataDirectory: configuration.dataDirectory)
    if fromFiles { try writeKeyFile(previousFile, previous + [new]) }
    let next = MasterKeys(current: new, accepted: previous)
    let resealed = try await configuration.withDatabase(logger: logger) { database in
        let store = SQLStore(database: database, clock: configuration.clock)
        try await store.migrate(logger: logger)
        return try await store.resealSigningKeys { sealed in try next.resealed(sealed) }
    }
    if fromFiles {
        try writeKeyFile((configuration.dataDirectory as NSString).appendingPathComponent("master.key"), [new])
        try writeKeyFile(previousFile, previous)
    }
    withExtendedLifetime(lock) {}
    return MasterKeyRotation(previousKeyID: keys.current.keyID, newKeyID: new.keyID, resealedSigningKeys: resealed, switchedFiles: fromFiles)
}

/// `gatehouse master-key drop-previous`: forgets the earlier keys, refused while anything stored still needs
/// one unless `force` (whatever still needs it then stops working: those clients must reset their secrets).
public func dropPreviousMasterKeys(force: Bool, configuration: GatehouseConfiguration, logger: Logger) async throws -> MasterKeyStatus {
    let status = try await masterKeyStatus(configuration: configuration, logger: logger)
    guard status.notOnCurrent == 0 || force else {
        throw ConfigurationError("\(status.notOnCurrent) stored values still need an earlier master key; wait for their clients to present them, or pass --force to break them")
    }
    guard configuration.masterKeyFromEnvironment == nil else {
        throw ConfigurationError("the keys come from the environment: unset GATEHOUSE_MASTER_KEY_PREVIOUS on every node and restart them one at a time")
    }
    let path = MasterKeys.previousKeyFile(dataDirectory: configuration.dataDirectory)
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    return status
}

/// Writes keys one per line to a new file (mode 0600 from the first byte) and renames it over `path`, so a
/// reader sees the old file or the new one, never half of one.
private func writeKeyFile(_ path: String, _ keys: [MasterKey]) throws {
    let temporary = path + ".tmp-\(getpid())"
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw ConfigurationError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
    let bytes = Array(keys.map { $0.encoded + "\n" }.joined().utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == bytes.count, synced, rename(temporary, path) == 0 else {
        unlink(temporary)
        throw ConfigurationError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}
