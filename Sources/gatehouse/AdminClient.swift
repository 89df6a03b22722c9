import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How the admin-API commands reach a running server.
struct ClientOptions: ParsableArguments {
    @Option(help: "Base URL of the server (env GATEHOUSE_URL).")
    var url: String?

    @Option(help: "Operator token (env GATEHOUSE_ADMIN_TOKEN).")
    var token: String?

    /// Sends one request and prints the JSON answer; a 4xx/5xx answer becomes a non-zero exit.
    func send(_ method: String, _ path: String, body: [String: Any]? = nil) async throws {
        let env = ProcessInfo.processInfo.environment
        let base = url ?? env["GATEHOUSE_URL"] ?? "http://127.0.0.1:8080"
        guard let token = token ?? env["GATEHOUSE_ADMIN_TOKEN"] else {
            throw ValidationError("an operator token is required: --token or GATEHOUSE_ADMIN_TOKEN")
        }
        guard let target = URL(string: base + "/admin/v1" + path) else { throw ValidationError("invalid --url") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if let object = try? JSONSerialization.jsonObject(with: data),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
        if status >= 400 { throw ExitCode(1) }
    }
}

struct Companies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Companies (admin API).", subcommands: [List.self, Create.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        func run() async throws { try await client.send("GET", "/companies") }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Argument(help: "Company name.") var name: String
        func run() async throws { try await client.send("POST", "/companies", body: ["name": name]) }
    }
}

struct ServiceAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-accounts", abstract: "Traditional service accounts (admin API).",
        subcommands: [List.self, Create.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        func run() async throws { try await client.send("GET", "/companies/\(company)/service_accounts") }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account name.") var name: String
        func run() async throws {
            try await client.send("POST", "/companies/\(company)/service_accounts", body: ["name": name, "app_type": "custom"])
        }
    }

    struct Show: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("GET", "/companies/\(company)/service_accounts/\(id)") }
    }
}
