import ArgumentParser
import Foundation
import GatehouseServer
import Logging

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump). The master key is not included."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup file to create; an existing file is never overwritten.")
    var to: String

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        let report = try await backupDatabase(to: to, configuration: configuration, logger: logger)
        print("backed up \(report.engine) to \(report.destination) (\(report.bytes) bytes); keep the master key apart from it")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the SQLite database with a backup; refused while a server holds it. PostgreSQL: use pg_restore."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup file made by `gatehouse backup`.")
    var from: String

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        let target = try await restoreDatabase(from: from, configuration: configuration, logger: logger)
        print("restored \(from) to \(target); start the server with the master key the backup was made with")
    }
}
