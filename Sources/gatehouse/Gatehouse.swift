import ArgumentParser

/// The `gatehouse` command. Argument parsing only; every command calls into the library.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "A self-hostable service-account server, compatible with Procore's.",
        subcommands: [
            Serve.self, Migrate.self, Seed.self, AdminToken.self, MasterKeyCommand.self, Backup.self, Restore.self,
            Companies.self, Projects.self, People.self, Memberships.self, ServiceAccounts.self, Apps.self, Install.self, Installations.self, Keys.self, Policy.self, MigrationReport.self, Audit.self, API.self, Apply.self, Export.self,
        ]
    )
}
