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
    func send(_ method: String, _ path: String, body: [String: Any]? = nil, transform: ((Any) -> Any)? = nil) async throws {
        try await send(method, path, raw: try body.map { try JSONSerialization.data(withJSONObject: $0) }, transform: transform)
    }

    /// Sends a JSON body as given (a JWKS file, say) and prints the answer, through `transform` when given.
    func send(_ method: String, _ path: String, raw: Data?, transform: ((Any) -> Any)? = nil) async throws {
        let (status, data) = try await exchange(method, path, raw: raw)
        if data.isEmpty {
            print("HTTP \(status)")
            if status >= 400 { throw ExitCode(1) }
            return
        }
        if let parsed = try? JSONSerialization.jsonObject(with: data),
           case let object = status < 400 ? (transform?(parsed) ?? parsed) : parsed,
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
        if status >= 400 { throw ExitCode(1) }
    }

    /// One request to the admin API: the status and the body, for commands that print the answer their own way.
    func exchange(_ method: String, _ path: String, raw: Data?) async throws -> (status: Int, body: Data) {
        let env = ProcessInfo.processInfo.environment
        let base = url ?? env["GATEHOUSE_URL"] ?? "http://127.0.0.1:8080"
        guard let token = token ?? env["GATEHOUSE_ADMIN_TOKEN"] else {
            throw ValidationError("an operator token is required: --token or GATEHOUSE_ADMIN_TOKEN")
        }
        guard let target = URL(string: base + "/admin/v1" + path) else { throw ValidationError("invalid --url") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let raw {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = raw
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

struct Companies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Companies (admin API).", subcommands: [List.self, Create.self, Update.self, Deactivate.self, Activate.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        func run() async throws { try await client.send("GET", "/companies") }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Argument(help: "Company name.") var name: String
        func run() async throws { try await client.send("POST", "/companies", body: ["name": name]) }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a company.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Company id.") var id: Int64
        @Option(help: "The new name.") var name: String
        func run() async throws { try await client.send("PATCH", "/companies/\(id)", body: ["name": name]) }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a company: its accounts and installations stop at once.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Company id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/companies/\(id)", body: ["is_active": false]) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a company.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Company id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/companies/\(id)", body: ["is_active": true]) }
    }
}

struct Projects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A company's projects (admin API).", subcommands: [List.self, Archive.self, Unarchive.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Option(help: "Page (1-based).") var page: Int = 1
        @Option(help: "Projects per page.") var perPage: Int = 100
        func run() async throws { try await client.send("GET", "/companies/\(company)/projects?page=\(page)&per_page=\(perPage)") }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a project: it leaves REST lists and its memberships stop granting.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Project id.") var id: Int64
        func run() async throws { try await client.send("DELETE", "/companies/\(company)/projects/\(id)") }
    }

    struct Unarchive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring an archived project back.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Project id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/companies/\(company)/projects/\(id)", body: ["active": true]) }
    }
}

struct People: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "People and directory entries (admin API).", subcommands: [Deactivate.self, Activate.self, Remove.self])

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person from a company's directory, with their levels and memberships there. A service-account contact is refused: delete the account."
        )
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Person id.") var id: Int64
        func run() async throws { try await client.send("DELETE", "/companies/\(company)/directory/\(id)") }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user: no sign-in, and their sessions end.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Person id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/people/\(id)", body: ["is_active": false]) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a user.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Person id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/people/\(id)", body: ["is_active": true]) }
    }
}

struct ServiceAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-accounts", abstract: "Traditional service accounts (admin API).",
        subcommands: [List.self, Create.self, Show.self, ResetSecret.self, RotateSecret.self, Disable.self, Enable.self, Delete.self, Migrate.self, Usage.self]
    )

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which granted permissions the account's REST calls used, and which they did not.", subcommands: [Report.self, Apply.self],
            defaultSubcommand: Report.self)

        struct Report: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "report", abstract: "The usage report (the default).")
            @OptionGroup var client: ClientOptions
            @Option(help: "Company id.") var company: Int64
            @Option(help: "The window in days (1 to 365).") var days: Int = 30
            @Argument(help: "Account id.") var id: Int64
            func run() async throws { try await client.send("GET", "/companies/\(company)/service_accounts/\(id)/usage?days=\(days)") }
        }

        struct Apply: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Lower the account's grants to what the window used, in one transaction.")
            @OptionGroup var client: ClientOptions
            @Option(help: "Company id.") var company: Int64
            @Option(help: "The window in days (1 to 365).") var days: Int = 30
            @Flag(help: "Apply although less than the window has been recorded.") var force = false
            @Argument(help: "Account id.") var id: Int64
            func run() async throws {
                try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/usage/apply", body: ["days": days, "force": force])
            }
        }
    }

    struct ResetSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-secret", abstract: "New secret; old secret, tokens, permissions and projects are reset.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/reset_secret") }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-secret", abstract: "Add a second secret; the old one expires later.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Option(help: "Seconds the previous secret keeps working.") var previousExpiresIn: Int = 86_400
        @Argument(help: "Account id.") var id: Int64
        func run() async throws {
            try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/rotate_secret", body: ["previous_expires_in": previousExpiresIn])
        }
    }

    struct Disable: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/disable") }
    }

    struct Enable: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/enable") }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("DELETE", "/companies/\(company)/service_accounts/\(id)") }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a marketplace account to its app's DMSA version.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Argument(help: "Account id.") var id: Int64
        func run() async throws { try await client.send("POST", "/companies/\(company)/service_accounts/\(id)/migrate") }
    }

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

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Token signing keys (admin API).", subcommands: [List.self, Rotate.self, Retire.self, Delete.self])

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a key now: it leaves the JWKS and its tokens fail at once.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The key id (kid).") var kid: String
        func run() async throws { try await client.send("POST", "/keys/\(kid)/retire") }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a retired key.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The key id (kid).") var kid: String
        func run() async throws { try await client.send("DELETE", "/keys/\(kid)") }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        func run() async throws { try await client.send("GET", "/keys") }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a new key now; it signs after --activate-in seconds.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Seconds until the new key signs (published at once).") var activateIn: Int = 300
        func run() async throws { try await client.send("POST", "/keys/rotate", body: ["activate_in": activateIn]) }
    }
}

struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer apps (DMSA) (admin API).",
        subcommands: [List.self, Create.self, ResetSecret.self, RotateSecret.self, Secrets.self, RetireSecret.self, JWKS.self]
    )

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-secret", abstract: "Add a second app secret; the old one keeps working until it expires.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Seconds the previous secret keeps working (at most 2592000).") var previousExpiresIn: Int = 86_400
        @Argument(help: "App id.") var id: Int64
        func run() async throws { try await client.send("POST", "/apps/\(id)/rotate_secret", body: ["previous_expires_in": previousExpiresIn]) }
    }

    struct Secrets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The app's active secrets, with their expiry.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "App id.") var id: Int64
        func run() async throws { try await client.send("GET", "/apps/\(id)/secrets") }
    }

    struct RetireSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retire-secret", abstract: "Retire one secret now.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "App id.") var id: Int64
        @Argument(help: "Secret id.") var secretID: Int64
        func run() async throws { try await client.send("DELETE", "/apps/\(id)/secrets/\(secretID)") }
    }

    struct JWKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jwks", abstract: "The app's public keys for private_key_jwt.", subcommands: [Set.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Register the public JWKS in FILE (private keys are refused).")
            @OptionGroup var client: ClientOptions
            @Argument(help: "App id.") var id: Int64
            @Argument(help: "A JSON file holding {\"keys\":[…]}.") var file: String
            func run() async throws {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw ValidationError("cannot read \(file)") }
                try await client.send("PUT", "/apps/\(id)/jwks", raw: data)
            }
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        func run() async throws { try await client.send("GET", "/apps") }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Argument(help: "App name.") var name: String
        func run() async throws { try await client.send("POST", "/apps", body: ["name": name]) }
    }

    struct ResetSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-secret")
        @OptionGroup var client: ClientOptions
        @Argument(help: "App id.") var id: Int64
        func run() async throws { try await client.send("POST", "/apps/\(id)/reset_secret") }
    }
}

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Install an app version in a company by its version key (admin API).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Company id.") var company: Int64
    @Argument(help: "App version key.") var versionKey: String
    func run() async throws { try await client.send("POST", "/companies/\(company)/installations", body: ["version_key": versionKey]) }
}

struct Installations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A company's app installations (admin API).", subcommands: [List.self, UpdateAvailable.self, AddToNewProjects.self]
    )

    struct List: AsyncParsableCommand {
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        func run() async throws { try await client.send("GET", "/companies/\(company)/installations") }
    }

    struct UpdateAvailable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update-available", abstract: "The installations that a newer promoted version could update.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        func run() async throws {
            try await client.send("GET", "/companies/\(company)/installations") { answer in
                (answer as? [[String: Any]] ?? []).filter { $0["update_available"] as? Bool == true }
            }
        }
    }

    struct AddToNewProjects: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-to-new-projects", abstract: "Turn \"add to all new projects\" on or off.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Company id.") var company: Int64
        @Flag(inversion: .prefixedEnableDisable, help: "Add the app's contact to every project created from now on.") var enable = true
        @Argument(help: "Installation id.") var id: Int64
        func run() async throws { try await client.send("PATCH", "/companies/\(company)/installations/\(id)", body: ["add_to_new_projects": enable]) }
    }
}

struct Policy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The sunset policy and its current phase (admin API).")
    @OptionGroup var client: ClientOptions
    func run() async throws { try await client.send("GET", "/policy") }
}

struct Memberships: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Project memberships (admin API).", subcommands: [Update.self])

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a membership in place: a permission template, or levels per tool.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Project id.") var project: Int64
        @Argument(help: "Person id.") var person: Int64
        @Option(help: "Permission template id.") var template: Int64?
        @Option(help: "Levels per tool, e.g. rfi=standard,submittals=readonly.") var levels: String?

        func validate() throws {
            guard (template == nil) != (levels == nil) else { throw ValidationError("give --template or --levels, not both or neither") }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            if let template { body["permission_template_id"] = template }
            if let levels {
                var tools: [String: String] = [:]
                for pair in levels.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--levels takes tool=level pairs separated by commas") }
                    tools[parts[0]] = parts[1]
                }
                body["tools"] = tools
            }
            try await client.send("PATCH", "/projects/\(project)/memberships/\(person)", body: body)
        }
    }
}

struct MigrationReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migration", abstract: "A company's migration report (admin API).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Company id.") var company: Int64
    func run() async throws { try await client.send("GET", "/companies/\(company)/migration") }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit entries, newest first, filtered (admin API).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this company's entries.") var company: Int64?
    @Option(help: "Only this actor, e.g. operator:cli.") var actor: String?
    @Option(help: "Only this action, e.g. token.issue.") var action: String?
    @Option(help: "Only this outcome: success, failure or refused.") var outcome: String?
    @Option(help: "Only entries at or after this time (ISO 8601 or Unix seconds).") var since: String?
    @Option(help: "Only entries at or before this time (ISO 8601 or Unix seconds).") var until: String?
    @Option(help: "Page (1-based).") var page: Int = 1
    @Option(help: "Entries per page.") var perPage: Int = 50

    func run() async throws {
        var query = URLComponents()
        query.queryItems = [("company_id", company.map(String.init)), ("actor", actor), ("action", action), ("outcome", outcome),
                            ("since", since), ("until", until), ("page", String(page)), ("per_page", String(perPage))]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        // `+` means a space in a query; encode it, since ISO 8601 offsets use it.
        let encoded = (query.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        try await client.send("GET", "/audit?\(encoded)")
    }
}

/// Any admin API call, for what has no dedicated command: `gatehouse api PUT /companies/1/people/2/permissions
/// --data '{"tools":{"portfolio":"readonly"}}'`.
struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Call any /admin/v1 endpoint.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "HTTP method: GET, POST, PUT, PATCH or DELETE.") var method: String
    @Argument(help: "Path below /admin/v1, e.g. /companies.") var path: String
    @Option(help: "JSON body.") var data: String?

    func validate() throws {
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method.uppercased()) else { throw ValidationError("unknown method \(method)") }
        guard path.hasPrefix("/") else { throw ValidationError("the path must start with /") }
    }

    func run() async throws {
        var body: [String: Any]?
        if let data {
            guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw ValidationError("--data must be a JSON object")
            }
            body = object
        }
        try await client.send(method.uppercased(), path, body: body)
    }
}
