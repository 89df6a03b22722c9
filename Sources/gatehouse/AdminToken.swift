import ArgumentParser
import Foundation
import GatehouseServer
import Logging

struct AdminToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Operator tokens for the admin API.",
        subcommands: [Create.self]
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
}
