import ArgumentParser
import GatehouseCore

struct AdminToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Operator tokens for the admin API.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a new operator token (256 bits) to set as GATEHOUSE_ADMIN_TOKEN.")

        func run() async throws {
            print(RandomToken.base64URL(byteCount: 32))
        }
    }
}
