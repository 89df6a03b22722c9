import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import Logging

struct MasterKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master-key",
        abstract: "Rotate the master key (the pepper of stored secrets and the seal of signing keys).",
        subcommands: [Rotate.self, Status.self, DropPrevious.self]
    )

    static func logger() -> Logger {
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        return logger
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal the signing keys under a new master key; with keys in the data directory, make it current and keep the old one accepted."
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "A file holding the new key: base64 of 32 random bytes (openssl rand -base64 32 > new.key).")
        var newKeyFile: String

        func run() async throws {
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            let rotation = try await rotateMasterKey(newKeyFile: newKeyFile, configuration: configuration, logger: MasterKeyCommand.logger())
            print("re-sealed \(rotation.resealedSigningKeys) signing keys under \(rotation.newKeyID)")
            if rotation.switchedFiles {
                print("master.key is now \(rotation.newKeyID); \(rotation.previousKeyID) stays accepted in master.key.previous")
            } else {
                print("set GATEHOUSE_MASTER_KEY to the new key and GATEHOUSE_MASTER_KEY_PREVIOUS to the old one on every node, one node at a time")
            }
            print("secrets move to \(rotation.newKeyID) as they are presented; see: gatehouse master-key status")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many stored secrets, tokens and keys each master key made.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            let status = try await masterKeyStatus(configuration: configuration, logger: MasterKeyCommand.logger())
            status.lines.forEach { print($0) }
        }
    }

    struct DropPrevious: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop-previous",
            abstract: "Forget the earlier master keys (master.key.previous); refused while anything stored still needs one."
        )

        @OptionGroup var store: StoreOptions

        @Flag(help: "Drop them anyway: client secrets still on an earlier key stop working and must be reset.")
        var force = false

        func run() async throws {
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            let status = try await dropPreviousMasterKeys(force: force, configuration: configuration, logger: MasterKeyCommand.logger())
            print("dropped the earlier master keys; \(status.notOnCurrent) stored values needed them")
        }
    }
}
