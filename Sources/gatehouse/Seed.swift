import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import Logging

/// Bulk data for benchmarks and capacity tests.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create N traditional service accounts over M new companies, through the same rules as the admin API.",
        discussion: "Writes `company_id client_id client_secret` per line to --output (mode 0600: it holds secrets). Run it before `serve`, or alongside it on PostgreSQL."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "How many service accounts to create.")
    var serviceAccounts: Int

    @Option(help: "How many companies to spread them over.")
    var companies: Int = 1

    @Option(help: "File for the credentials, one account per line.")
    var output: String

    func validate() throws {
        guard (1...1_000_000).contains(serviceAccounts) else { throw ValidationError("--service-accounts must be 1 to 1,000,000") }
        guard (1...serviceAccounts).contains(companies) else { throw ValidationError("--companies must be 1 up to --service-accounts") }
    }

    func run() async throws {
        var configuration = GatehouseConfiguration()
        store.apply(to: &configuration)
        // Seeded accounts are for load tests: creation stays open whatever today's sunset phase is.
        let far = Date().addingTimeInterval(100 * 365 * 86_400)
        configuration.sunsetPolicy = try SunsetPolicy(deprecatedAt: far, creationBlockedAt: far.addingTimeInterval(1), sunsetAt: far.addingTimeInterval(2))
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        let start = ContinuousClock.now
        let seeded = try await seedServiceAccounts(count: serviceAccounts, companies: companies, configuration: configuration, logger: logger)
        let lines = seeded.map { "\($0.companyID) \($0.clientID) \($0.secret)\n" }.joined()
        let descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw ValidationError("cannot write \(output)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        handle.write(Data(lines.utf8))
        print("seeded \(seeded.count) service accounts over \(companies) companies in \(ContinuousClock.now - start); credentials in \(output)")
    }
}
