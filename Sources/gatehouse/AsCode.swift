import ArgumentParser
import Foundation
import GatehouseServer

/// `gatehouse apply -f FILE`: a document to `POST /admin/v1/apply`, the plan printed as a diff.
///
/// Exit codes are for CI: 0 applied (or nothing to change), 1 the API refused or failed, 2 `--dry-run` found
/// changes (drift), 64 a usage error (a missing or unreadable file).
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply a Gatehouse-as-code document (YAML or JSON): plan, then one transaction.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.short, .customLong("file")], help: "The document; - reads standard input.") var file: String
    @Flag(help: "Show the plan and change nothing; exit 2 when there are changes.") var dryRun = false
    @Flag(help: "Also delete what the document no longer names, within the companies it names.") var prune = false
    @Flag(help: "Print the plan as JSON.") var json = false
    @Option(help: "Write created credentials to this file (mode 0600) instead of standard output.") var credentialsOut: String?

    func run() async throws {
        let text: String
        do {
            text = file == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let body: Data
        do {
            body = try DocumentFile.json(fromText: text)
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        let (status, data) = try await client.exchange("POST", "/apply?dry_run=\(dryRun)&prune=\(prune)", raw: body)
        let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status < 400 else {
            let error = answer["error"] as? [String: Any]
            var lines = ["gatehouse apply: HTTP \(status): \(error?["message"] as? String ?? String(decoding: data, as: UTF8.self))"]
            for (field, problem) in ((error?["fields"] as? [String: String]) ?? [:]).sorted(by: { $0.key < $1.key }) { lines.append("  \(field): \(problem)") }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
        let changes = answer["changes"] as? [[String: Any]] ?? []
        let credentials = answer["credentials"] as? [[String: Any]] ?? []
        var shown = answer
        if credentialsOut != nil { shown["credentials"] = nil }
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: shown, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        } else {
            print(Self.diff(changes, dryRun: dryRun))
        }
        if !credentials.isEmpty {
            let data = try JSONSerialization.data(withJSONObject: credentials, options: [.prettyPrinted, .sortedKeys])
            if let credentialsOut {
                guard FileManager.default.createFile(atPath: credentialsOut, contents: data, attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError("cannot write \(credentialsOut)")
                }
                // An existing file keeps its mode on overwrite: tighten it too.
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentialsOut)
                print("Credentials of \(credentials.count) created object(s) written to \(credentialsOut) (shown once).")
            } else if !json {
                print("\nCredentials (shown once):")
                for c in credentials {
                    print("  \(c["kind"] as? String ?? "") \(c["name"] as? String ?? ""): client_id=\(c["client_id"] as? String ?? "") client_secret=\(c["client_secret"] as? String ?? "")")
                }
            }
        }
        if dryRun, !changes.isEmpty { throw ExitCode(2) }
    }

    /// `+` create, `~` update, `-` delete, one line each, then a count, as infrastructure tools print plans.
    static func diff(_ changes: [[String: Any]], dryRun: Bool) -> String {
        guard !changes.isEmpty else { return "No changes: the deployment matches the document." }
        var lines: [String] = []
        var counts: [String: Int] = [:]
        for change in changes {
            let action = change["action"] as? String ?? ""
            counts[action, default: 0] += 1
            let mark = action == "create" ? "+" : action == "delete" ? "-" : "~"
            let fields = (change["fields"] as? [String] ?? []).joined(separator: ", ")
            lines.append("\(mark) \((change["kind"] as? String ?? "").padding(toLength: 20, withPad: " ", startingAt: 0)) \(change["name"] as? String ?? "")\(fields.isEmpty ? "" : "  (\(fields))")")
        }
        lines.append("")
        lines.append("\(dryRun ? "Plan" : "Applied"): \(counts["create"] ?? 0) to create, \(counts["update"] ?? 0) to update, \(counts["delete"] ?? 0) to delete.")
        return lines.joined(separator: "\n")
    }
}

/// `gatehouse export`: the deployment, or one company, as a document (YAML unless `--json` or a `.json` file).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export the deployment (or one company) as a Gatehouse-as-code document, without secrets.")

    @OptionGroup var client: ClientOptions
    @Option(help: "Only this company (by name) and the apps installed in it.") var company: String?
    @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.") var output: String?
    @Flag(help: "Write JSON instead of YAML.") var json = false

    func run() async throws {
        var path = "/export"
        if let company {
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "company", value: company)]
            path += "?" + (query.percentEncodedQuery ?? "")
        }
        let (status, data) = try await client.exchange("GET", path, raw: nil)
        guard status < 400 else {
            FileHandle.standardError.write(Data("gatehouse export: HTTP \(status): \(String(decoding: data, as: UTF8.self))\n".utf8))
            throw ExitCode(1)
        }
        let asJSON = json || (output?.hasSuffix(".json") ?? false)
        let text = asJSON ? String(decoding: data, as: UTF8.self) + "\n" : try DocumentFile.yaml(fromJSON: data)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else { throw ValidationError("cannot write \(output)") }
        } else {
            print(text, terminator: "")
        }
    }
}
