import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import Logging

struct AdminToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Operator tokens for the admin API.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an operator token (256 bits). Only its keyed hash is stored; the token is printed once."
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "A name for the token, recorded as the actor in the audit log.")
        var name: String = "cli"

        func run() async throws {
            guard !name.isEmpty, name.count <= 64 else { throw ValidationError("--name must be 1 to 64 characters") }
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            print(try await createAdminToken(name: name, configuration: configuration, logger: logger))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operator tokens: id, name, created and last used (never the token).")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            let tokens = try await listAdminTokens(configuration: configuration, logger: logger)
            print("ID\tNAME\tCREATED\tLAST USED")
            for token in tokens {
                print("\(token.id)\t\(token.name)\t\(token.createdAt.iso8601)\t\(token.lastUsedAt?.iso8601 ?? "never")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an operator token by id; it stops working on its next use.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The token's id, from `gatehouse admin-token list`.")
        var id: Int64

        func run() async throws {
            guard id > 0 else { throw ValidationError("the id must be positive") }
            var configuration = GatehouseConfiguration()
            store.apply(to: &configuration)
            var logger = Logger(label: "gatehouse")
            logger.logLevel = .warning
            do {
                try await revokeAdminToken(id: id, configuration: configuration, logger: logger)
            } catch let error as DomainError {
                throw ValidationError(error.message)
            }
            print("revoked operator token \(id)")
        }
    }
}
