import Foundation
@_exported import GatehouseTestSupport
import GatehouseCore
import GatehouseServer
import GatehouseStore
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A real Gatehouse application on a store of its own: a temp SQLite file, or a fresh PostgreSQL schema.
struct TestApp {
    static let adminToken = "test-admin-token-0123456789-abcdefghij"

    let client: any TestClientProtocol
    let runtime: GatehouseRuntime
    let clock: ManualClock
    let configuration: GatehouseConfiguration

    /// What every test app shares: a fresh data directory, the test operator token, a cheap bcrypt cost,
    /// the given clock and master key, and a fixed issuer.
    static func baseConfiguration(clock: ManualClock, masterKey: String) -> GatehouseConfiguration {
        var configuration = GatehouseConfiguration()
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-test-\(UUID().uuidString)").path
        configuration.adminToken = adminToken
        configuration.bcryptCost = 4
        configuration.clock = clock
        configuration.issuer = "http://gatehouse.test"
        configuration.masterKey = masterKey
        return configuration
    }

    /// For tests on the real time (the PostgreSQL replay window reads the database's clock): traditional
    /// accounts sunset years ahead, so they still work today.
    static func noSunset(_ configuration: inout GatehouseConfiguration) {
        let far = Date().addingTimeInterval(10 * 365 * 86_400)
        configuration.sunsetPolicy = try! SunsetPolicy(deprecatedAt: far, creationBlockedAt: far.addingTimeInterval(86_400), sunsetAt: far.addingTimeInterval(2 * 86_400))
    }

    /// Builds the app, runs `body` against it through Hummingbird's test client, then drops the store.
    static func run<T: Sendable>(
        _ kind: StoreKind,
        clock: ManualClock = ManualClock(Date(timeIntervalSince1970: 1_600_000_000)),
        logger: Logger? = nil,
        live: Bool = false,
        configure: (inout GatehouseConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        // One slot per test server, held for the whole test; a run nested in another (a second server inside a
        // test) shares its parent's slot, so nesting can never wait on itself.
        if TestSlots.held { return try await runInSlot(kind, clock: clock, logger: logger, live: live, configure: configure, body) }
        await TestSlots.shared.acquire()
        do {
            let result = try await TestSlots.$held.withValue(true) {
                try await runInSlot(kind, clock: clock, logger: logger, live: live, configure: configure, body)
            }
            await TestSlots.shared.release()
            return result
        } catch {
            await TestSlots.shared.release()
            throw error
        }
    }

    private static func runInSlot<T: Sendable>(
        _ kind: StoreKind, clock: ManualClock, logger: Logger?, live: Bool,
        configure: (inout GatehouseConfiguration) -> Void, _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        var configuration = baseConfiguration(clock: clock, masterKey: MasterKey.generate().encoded)
        let directory = configuration.dataDirectory
        var schema: String?
        if kind == .postgres {
            let url = ProcessInfo.processInfo.environment["POSTGRES_URL"]!
            let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
            try await PostgresSchemas.create(name, url: url)
            configuration.databaseURL = url
            configuration.databaseSchema = name
            schema = name
        }
        configure(&configuration)
        var log = logger ?? Logger(label: "test")
        if logger == nil { log.logLevel = .warning }
        let (app, runtime) = try await buildApplication(configuration: configuration, logger: log)
        let finalConfiguration = configuration
        do {
            // `.live` runs a real server on 127.0.0.1, for tests that need the connection's address.
            let result = try await app.test(live ? .live : .router) { client in
                try await body(TestApp(client: client, runtime: runtime, clock: clock, configuration: finalConfiguration))
            }
            await runtime.store.database.shutdown()
            try await cleanup(directory: directory, schema: schema)
            return result
        } catch {
            await runtime.store.database.shutdown()
            try? await cleanup(directory: directory, schema: schema)
            throw error
        }
    }

    private static func cleanup(directory: String, schema: String?) async throws {
        try? FileManager.default.removeItem(atPath: directory)
        if let schema, let url = ProcessInfo.processInfo.environment["POSTGRES_URL"] {
            try await PostgresSchemas.drop(schema, url: url)
        }
    }
}

/// Bounds how many test servers run at once. Swift Testing starts every test together; on a 2-core machine three
/// hundred servers (and their PostgreSQL pools: the suite once reached 500 connections) shared the CPU so thinly
/// that single requests passed the live client's 20 s read timeout. A test waits for a slot before its server
/// starts; what it then measures runs with a fair share of the machine.
actor TestSlots {
    static let shared = TestSlots(limit: max(4, ProcessInfo.processInfo.activeProcessorCount * 6))
    @TaskLocal static var held = false

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { available = limit }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}

enum PostgresSchemas {
    static func create(_ name: String, url: String) async throws {
        try await withDatabase(url) { try await $0.raw("CREATE SCHEMA \(unsafeRaw: name)").run() }
    }

    static func drop(_ name: String, url: String) async throws {
        try await withDatabase(url) { try await $0.raw("DROP SCHEMA IF EXISTS \(unsafeRaw: name) CASCADE").run() }
    }

    private static func withDatabase(_ url: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let database = try Database.postgres(url: url, maxConnectionsPerEventLoop: 1, logger: Logger(label: "test-admin"))
        do {
            try await database.withConnection(body)
            await database.shutdown()
        } catch {
            await database.shutdown()
            throw error
        }
    }
}

import SQLKit

// MARK: - HTTP helpers

struct HTTPResult: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:] }
    var jsonArray: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [[String: Any]] ?? [] }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    /// `error.code` of an admin/REST error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorFields: [String: String] { ((json["error"] as? [String: Any])?["fields"] as? [String: String]) ?? [:] }
}

extension TestApp {
    func request(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws -> HTTPResult {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return HTTPResult(status: response.status, headers: response.headers, body: response.body)
    }

    func admin(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, raw: String? = nil) async throws -> HTTPResult {
        var headers: HTTPFields = [.authorization: "Bearer \(Self.adminToken)"]
        var body = raw
        if let json {
            headers[.contentType] = "application/json"
            body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        } else if raw != nil {
            headers[.contentType] = "application/json"
        }
        return try await request(method, "/admin/v1" + uri, headers: headers, body: body)
    }

    func rest(_ method: HTTPRequest.Method, _ uri: String, token: String, company: Int64?, json: [String: Any]? = nil) async throws -> HTTPResult {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if let company { headers[HTTPField.Name("Procore-Company-Id")!] = "\(company)" }
        var body: String?
        if let json {
            headers[.contentType] = "application/json"
            body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        }
        return try await request(method, uri, headers: headers, body: body)
    }

    /// Form-encoded client credentials, the most common way clients ask for a token.
    func token(clientID: String, secret: String) async throws -> HTTPResult {
        let body = "grant_type=client_credentials&client_id=\(clientID)&client_secret=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret)"
        return try await request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
    }

    func accessToken(clientID: String, secret: String) async throws -> String {
        let result = try await token(clientID: clientID, secret: secret)
        guard result.status == .ok, let token = result.json["access_token"] as? String else {
            throw TestFailure("token request failed: \(result.status) \(result.text)")
        }
        return token
    }

    // MARK: fixtures

    func createCompany(_ name: String = "Acme Builders") async throws -> Int64 {
        let result = try await admin(.post, "/companies", json: ["name": name])
        guard result.status == .created, let id = result.json["id"] as? Int else { throw TestFailure("create company: \(result.text)") }
        return Int64(id)
    }

    func createProject(company: Int64, name: String = "Tower") async throws -> Int64 {
        let result = try await admin(.post, "/companies/\(company)/projects", json: ["name": name])
        guard result.status == .created, let id = result.json["id"] as? Int else { throw TestFailure("create project: \(result.text)") }
        return Int64(id)
    }

    struct Account: Sendable {
        let id: Int64
        let clientID: String
        let secret: String
        let contactID: Int64
        let contactEmail: String
    }

    func createServiceAccount(company: Int64, name: String = "Integration") async throws -> Account {
        let result = try await admin(.post, "/companies/\(company)/service_accounts", json: ["name": name, "app_type": "custom"])
        guard result.status == .created else { throw TestFailure("create account: \(result.text)") }
        let json = result.json
        let contact = json["contact"] as? [String: Any] ?? [:]
        return Account(
            id: Int64(json["id"] as? Int ?? 0), clientID: json["client_id"] as? String ?? "", secret: json["client_secret"] as? String ?? "",
            contactID: Int64(contact["id"] as? Int ?? 0), contactEmail: contact["email"] as? String ?? ""
        )
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestApp {
    @discardableResult
    func grant(company: Int64, person: Int64, _ tools: [String: String]) async throws -> HTTPResult {
        let result = try await admin(.put, "/companies/\(company)/people/\(person)/permissions", json: ["tools": tools])
        guard result.status == .ok else { throw TestFailure("grant: \(result.status) \(result.text)") }
        return result
    }

    func createTemplate(company: Int64, name: String = "Template", projectID: Int64? = nil, _ tools: [String: String]) async throws -> Int64 {
        var body: [String: Any] = ["name": name, "tools": tools]
        if let projectID { body["project_id"] = projectID }
        let result = try await admin(.post, "/companies/\(company)/permission_templates", json: body)
        guard result.status == .created, let id = result.json["id"] as? Int else { throw TestFailure("template: \(result.text)") }
        return Int64(id)
    }

    func addMember(project: Int64, person: Int64, template: Int64) async throws {
        let result = try await admin(.post, "/projects/\(project)/memberships", json: ["person_id": person, "permission_template_id": template])
        guard result.status == .created else { throw TestFailure("membership: \(result.text)") }
    }

    func createUser(company: Int64, email: String, password: String? = "hunter2hunter2") async throws -> Int64 {
        var body: [String: Any] = ["first_name": "Pat", "last_name": "User", "email": email]
        if let password { body["password"] = password }
        // bcrypt runs on a shared, bounded pool at idle priority: with the whole suite running in parallel on two
        // cores it may answer 503 with Retry-After, and a client retries, as this does.
        var result = try await admin(.post, "/companies/\(company)/users", json: body)
        for _ in 0..<50 where result.status == .serviceUnavailable {
            try await Task.sleep(for: .milliseconds(100))
            result = try await admin(.post, "/companies/\(company)/users", json: body)
        }
        guard result.status == .created, let id = result.json["id"] as? Int else { throw TestFailure("user: \(result.text)") }
        return Int64(id)
    }

    /// A company, a service account in it and a token, the starting point of most permission tests.
    func tenant() async throws -> (company: Int64, account: Account, token: String) {
        let company = try await createCompany()
        let account = try await createServiceAccount(company: company)
        let token = try await accessToken(clientID: account.clientID, secret: account.secret)
        return (company, account, token)
    }
}
