import Foundation
@_exported import GatehouseTestSupport
import GatehouseStore
import Logging
import SQLKit
import Testing

/// Opens a store of its own for one test: a temp SQLite file, or a fresh PostgreSQL schema.
enum TestStore {
    static let logger: Logger = {
        var logger = Logger(label: "store-test")
        logger.logLevel = .warning
        return logger
    }()

    /// `open` may be called several times to get several pools on the same store (two "nodes").
    static func with<T: Sendable>(
        _ kind: StoreKind,
        _ body: @Sendable (_ open: @Sendable () throws -> Database) async throws -> T
    ) async throws -> T {
        let pgURL = ProcessInfo.processInfo.environment["POSTGRES_URL"] ?? ""
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-store-\(UUID().uuidString)/db.sqlite").path
        let schema = "s_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        if kind == .postgres { try await admin(pgURL) { try await $0.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() } }
        let opened = OpenedDatabases()
        let open: @Sendable () throws -> Database = {
            let database = kind == .sqlite
                ? try Database.sqlite(path: path, logger: logger)
                : try Database.postgres(url: pgURL, searchPath: [schema], maxConnectionsPerEventLoop: 2, logger: logger)
            opened.append(database)
            return database
        }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            let result = try await body(open)
            await opened.shutdownAll()
            if kind == .postgres { try await admin(pgURL) { try await $0.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() } }
            return result
        } catch {
            await opened.shutdownAll()
            if kind == .postgres { try? await admin(pgURL) { try await $0.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() } }
            throw error
        }
    }

    private static func admin(_ url: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let database = try Database.postgres(url: url, maxConnectionsPerEventLoop: 1, logger: logger)
        do { try await database.withConnection(body) } catch { await database.shutdown(); throw error }
        await database.shutdown()
    }
}

import Synchronization

final class OpenedDatabases: Sendable {
    private let list = Mutex<[Database]>([])
    func append(_ database: Database) { list.withLock { $0.append(database) } }
    func shutdownAll() async {
        for database in list.withLock({ $0 }) { await database.shutdown() }
    }
}
