import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import Logging

/// Options shared by commands that open the store directly.
struct StoreOptions: ParsableArguments {
    @Option(help: "postgres://user:pass@host:port/db, or an SQLite file path. Default: ./gatehouse-data/gatehouse.sqlite (env GATEHOUSE_DATABASE_URL).")
    var database: String?

    @Option(help: "Directory for the SQLite file and master.key.")
    var dataDirectory: String = "./gatehouse-data"

    func apply(to configuration: inout GatehouseConfiguration) {
        configuration.databaseURL = database ?? ProcessInfo.processInfo.environment["GATEHOUSE_DATABASE_URL"]
        configuration.dataDirectory = dataDirectory
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (migrations run first).")

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind.")
    var port: Int = 8080

    @Option(help: "Issuer URL for the `iss` claim. Default: http://<host>:<port>.")
    var issuer: String?

    @Option(help: "Access token lifetime in seconds.")
    var tokenTTL: Int = 5400

    @Flag(help: "Seed a demo company, projects, an admin user and a service account, and print a curl line.")
    var demo = false

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        configuration.host = host
        configuration.port = port
        configuration.issuer = issuer
        guard tokenTTL > 0, tokenTTL <= 86_400 else { throw ValidationError("--token-ttl must be between 1 and 86400 seconds") }
        configuration.tokenTTL = tokenTTL
        configuration.adminToken = ProcessInfo.processInfo.environment["GATEHOUSE_ADMIN_TOKEN"]

        var logger = Logger(label: "gatehouse")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        if demo, configuration.adminToken == nil {
            configuration.adminToken = RandomToken.base64URL(byteCount: 24)
        }
        let (app, runtime) = try await buildApplication(configuration: configuration, logger: logger)
        if demo {
            let seeded = try await DemoSeed.run(runtime: runtime, configuration: configuration)
            // Written unbuffered: piped stdout is block-buffered, and the demo output must appear before serving.
            FileHandle.standardOutput.write(Data((seeded.summary(configuration: configuration) + "\n").utf8))
        }
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        let logger = Logger(label: "gatehouse")
        let applied = try await runMigrations(configuration: configuration, logger: logger)
        print(applied.isEmpty ? "database is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
