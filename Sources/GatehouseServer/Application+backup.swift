import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import SQLKit

/// What `gatehouse backup` made.
public struct BackupReport: Sendable {
    public let destination: String
    public let bytes: Int
    public let engine: String
}

/// `gatehouse backup --to FILE`: a consistent online copy while the server runs.
///
/// SQLite: `VACUUM INTO` reads one snapshot (a read transaction in WAL mode), so writes go on meanwhile and the
/// copy holds exactly the writes committed before it started. PostgreSQL: `pg_dump --format=custom`, whose
/// snapshot is just as consistent, when `pg_dump` is on the PATH. Neither copies the master key: a backup is
/// useless without it, and must be stored apart from it (see docs/operations.md).
public func backupDatabase(to destination: String, configuration: GatehouseConfiguration, logger: Logger) async throws -> BackupReport {
    guard !FileManager.default.fileExists(atPath: destination) else {
        throw ConfigurationError("\(destination) already exists; a backup never overwrites a file")
    }
    // Made empty and 0600 first: the copy holds what the database holds (VACUUM INTO and pg_dump both write into
    // an existing empty file, keeping its mode).
    try PrivateFiles.newFile(destination)
    guard configuration.sqlitePath != nil else {
        return try pgDump(url: configuration.resolvedDatabaseURL, to: destination)
    }
    try await configuration.withDatabase(logger: logger) { database in
        try await database.withWriter { db in
            try await db.raw("VACUUM INTO \(bind: destination)").run()
        }
    }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
    return BackupReport(destination: destination, bytes: bytes, engine: "sqlite")
}

private func pgDump(url: String, to destination: String) throws -> BackupReport {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/pg_dump" }
        + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw ConfigurationError("pg_dump is not installed; run: pg_dump --format=custom --file \(destination) <database URL>")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["--format=custom", "--file", destination, url]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ConfigurationError("pg_dump failed with status \(process.terminationStatus)") }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
    return BackupReport(destination: destination, bytes: bytes, engine: "postgresql")
}

/// `gatehouse restore --from FILE`: replaces the SQLite database with a backup, refusing while a server holds it.
/// The backup is checked first (it must open as a Gatehouse database), and the target's WAL files go with the
/// old file. PostgreSQL restores with `pg_restore`; this says how instead of guessing at the operator's intent.
public func restoreDatabase(from source: String, configuration: GatehouseConfiguration, logger: Logger) async throws -> String {
    guard let target = configuration.sqlitePath else {
        throw ConfigurationError("on PostgreSQL, restore with: pg_restore --clean --if-exists --dbname <database URL> \(source)")
    }
    guard FileManager.default.fileExists(atPath: source) else { throw ConfigurationError("\(source) does not exist") }
    var backup = configuration
    backup.databaseURL = source
    let versions = try await backup.withDatabase(logger: logger) { database in
        try await database.withConnection { db in
            try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all().map { try $0.decode(column: "version", as: Int.self) }
        }
    }
    guard !versions.isEmpty else { throw ConfigurationError("\(source) is not a Gatehouse database (no migrations recorded)") }
    try PrivateFiles.directory((target as NSString).deletingLastPathComponent, logger: logger)
    guard let lock = try FileLock.acquire(target + ".lock") else {
        throw ConfigurationError("a running gatehouse server holds \(target); stop it before restoring")
    }
    for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: target + suffix) {
        try FileManager.default.removeItem(atPath: target + suffix)
    }
    try FileManager.default.copyItem(atPath: source, toPath: target)
    try PrivateFiles.tighten(target, to: PrivateFiles.fileMode)
    withExtendedLifetime(lock) {}
    return target
}
