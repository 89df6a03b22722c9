import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatehouseCore
@testable import GatehouseServer
import GatehouseStore
import HTTPTypes
import Logging
import NIOPosix
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The hardening issue's second half: what unauthenticated traffic can make the server store, hold or log,
/// and the HTTP hygiene around it.
@Suite("Bounded resources")
struct BoundedResourcesTests {
    // MARK: Logs

    /// At `trace`, with the SQL drivers on the same logger, nothing secret reaches a log line: not secrets and
    /// tokens, and not what the drivers would print at debug and trace (bind values and rows) either.
    @Test(arguments: StoreKind.enabled)
    func traceLogsWithTheDriversHoldNothingSecret(_ kind: StoreKind) async throws {
        let sink = LogSink()
        var logger = Logger(label: "captured") { _ in CapturingLogHandler(sink: sink) }
        logger.logLevel = .trace
        let leaked = try await TestApp.run(kind, logger: logger) { app -> [String] in
            let (company, account, token) = try await app.tenant()
            _ = try await app.token(clientID: account.clientID, secret: "wrong-\(account.secret)")
            _ = try await app.rest(.get, "/rest/v1.0/me", token: token, company: company)
            let rotated = try await app.admin(.post, "/companies/\(company)/service_accounts/\(account.id)/rotate_secret", json: ["previous_expires_in": 60])
            // A console sign-in: its CSRF token, session cookie and the user's password hash are all bound in SQL.
            let admin = try await app.createUser(company: company, email: "owner@example.com")
            _ = try await app.grant(company: company, person: admin, ["admin": "admin"])
            let user = try await app.signIn("owner@example.com")
            _ = try await app.page(user, "/companies/\(company)/service_accounts")
            let hash = try #require(try await app.runtime.store.login(email: "owner@example.com")?.passwordHash)
            // A DMSA version key is bound when a version is created and installed.
            let created = try await app.admin(.post, "/apps", json: ["name": "Logger Probe"])
            let appID = try #require(created.json["id"] as? Int)
            let version = try await app.admin(.post, "/apps/\(appID)/versions", json: ["version": "1.0.0", "manifest": DMSATests.manifest])
            let versionKey = try #require(version.json["version_key"] as? String)
            _ = try await app.admin(.post, "/apps/\(appID)/versions/\(version.json["id"] as! Int)/promote")
            _ = try await app.admin(.post, "/companies/\(company)/installations", json: ["version_key": versionKey])

            let text = sink.text
            #expect(text.contains("request"), "the capture must see the server's log lines, or the check proves nothing")
            let secrets = [account.secret, token, rotated.json["client_secret"] as? String ?? "-", TestApp.adminToken, hash, versionKey,
                           user.csrf, user.cookie, created.json["client_secret"] as? String ?? "-"]
            return secrets.filter { text.contains($0) }
        }
        #expect(leaked.isEmpty, "leaked: \(leaked.map { String($0.prefix(6)) + "…" })")
    }

    // MARK: Parser caps and the audit

    @Test func oversizedCredentialsAreRefusedAtTheParserAndTheAuditStaysSmall() async throws {
        try await TestApp.run(.sqlite) { app in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let longID = String(repeating: "a", count: 129)
            let refused = try await app.request(.post, "/oauth/token", headers: form, body: "grant_type=client_credentials&client_id=\(longID)&client_secret=x")
            #expect(refused.status == .badRequest)
            #expect((refused.json["error_description"] as? String)?.contains("128 bytes") == true)
            let basic = Data("\(longID):x".utf8).base64EncodedString()
            let refusedBasic = try await app.request(.post, "/oauth/token", headers: [.contentType: "application/x-www-form-urlencoded", .authorization: "Basic \(basic)"],
                                                     body: "grant_type=client_credentials")
            #expect(refusedBasic.status == .unauthorized)
            // An error that echoes input (a repeated parameter with a 20 KB name) cannot grow an audit row.
            let name = String(repeating: "n", count: 20_000)
            _ = try await app.request(.post, "/oauth/token", headers: form, body: "\(name)=1&\(name)=2")
            let unknown = String(repeating: "z", count: 128)
            _ = try await app.request(.post, "/oauth/token", headers: form, body: "grant_type=client_credentials&client_id=\(unknown)&client_secret=x")
            let entries = try await app.runtime.store.auditEntries(AuditFilter(action: "token.issue"), limit: 50, offset: 0).items
            #expect(entries.count >= 3)
            for entry in entries {
                #expect(entry.actor.utf8.count <= 200)
                #expect((entry.target ?? "").utf8.count <= 200)
                #expect((entry.detail ?? "").utf8.count <= 500)
            }
            #expect(!entries.contains { ($0.detail ?? "").contains(name) })
        }
    }

    @Test func auditFieldsAreCutOnACharacterBoundary() {
        let cut = Auditor<SQLStore>.bounded(String(repeating: "é", count: 300), 200)
        #expect(cut.utf8.count <= 200)
        #expect(cut.hasSuffix("…"))
        #expect(Auditor<SQLStore>.bounded("short", 200) == "short")
    }

    /// A made-up client id must not take a cache entry: a flood of them would evict the real clients.
    @Test func aMissIsNotCachedButAHitIs() async throws {
        let cache = ReadCache<String, String?>(feed: ChangeFeed(), ttl: .seconds(60))
        let loads = Counter()
        for _ in 0..<3 { _ = try await cache.value(for: "unknown", keep: { $0 != nil }) { loads.increment(); return nil } }
        #expect(loads.value == 3, "each miss goes to the store again")
        for _ in 0..<3 { _ = try await cache.value(for: "known", keep: { $0 != nil }) { loads.increment(); return "client" } }
        #expect(loads.value == 4, "a hit is cached")
    }

    /// When an entry expires under load, the requests in flight for it share one load instead of each going
    /// to the database; a reader that arrives after a change commits does not take the older load's value.
    @Test func concurrentMissesShareOneLoad() async throws {
        let feed = ChangeFeed()
        let cache = ReadCache<String, Int>(feed: feed, ttl: .seconds(60))
        let loads = Counter()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.value(for: "k") {
                        loads.increment()
                        try await Task.sleep(for: .milliseconds(50))
                        return 1
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 50))
        #expect(loads.value == 1, "\(loads.value) loads for 50 concurrent misses")

        // A change during a load: the reader after it loads again and sees the new value.
        let started = Counter()
        async let old = cache.value(for: "j") {
            started.increment()
            try await Task.sleep(for: .milliseconds(100))
            return 1
        }
        while started.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
        feed.bump()
        let fresh = try await cache.value(for: "j") { 2 }
        #expect(fresh == 2)
        #expect(try await old == 1)
        #expect(try await cache.value(for: "j") { 3 } == 2, "the newer load's value is the one kept")
    }

    /// A failed load fails its waiters too, and the next read tries again.
    @Test func aFailedSharedLoadIsNotKept() async throws {
        let cache = ReadCache<String, Int>(feed: ChangeFeed(), ttl: .seconds(60))
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await cache.value(for: "k") { throw Boom() } }
        #expect(try await cache.value(for: "k") { 7 } == 7)
    }

    // MARK: Pruning

    @Test(arguments: StoreKind.enabled)
    func pruningRemovesOnlyWhatCanNoLongerMatter(_ kind: StoreKind) async throws {
        // Anchored at the real time: on PostgreSQL the replay window runs on the database's clock.
        try await TestApp.run(kind, clock: ManualClock(Date()), configure: { TestApp.noSunset(&$0); $0.pruneInterval = nil }) { app in
            let store = app.runtime.store
            let now = app.clock.now
            try await store.revokeToken(jti: "old", expiresAt: now.addingTimeInterval(-10))
            try await store.revokeToken(jti: "live", expiresAt: now.addingTimeInterval(600))
            #expect(try await store.useAssertion(jti: "c:live", expiresAt: now.addingTimeInterval(600), at: now))
            try await store.database.withWriter { db in
                try await db.raw("INSERT INTO used_assertions (jti, expires_at) VALUES ('c:old', \(bind: Int64(now.timeIntervalSince1970) - 10))").run()
            }
            let company = try await app.createCompany()
            let person = try await app.createUser(company: company, email: "pat@example.com")
            try await store.createSession(idHash: "ended", session: WebSession(personID: person, csrfToken: "c1", expiresAt: now.addingTimeInterval(60), lastSeenAt: now), at: now)
            try await store.createSession(idHash: "idle", session: WebSession(personID: person, csrfToken: "c2", expiresAt: now.addingTimeInterval(7200), lastSeenAt: now.addingTimeInterval(-4000)), at: now)
            try await store.createSession(idHash: "live", session: WebSession(personID: person, csrfToken: "c3", expiresAt: now.addingTimeInterval(7200), lastSeenAt: now), at: now)
            try await store.append(AuditEntry(at: now.addingTimeInterval(-400 * 86_400), actor: "operator", action: "ancient", target: nil, outcome: "success"))
            try await store.append(AuditEntry(at: now, actor: "operator", action: "recent", target: nil, outcome: "success"))

            let later = now.addingTimeInterval(120)
            let report = try await store.prune(PruneCutoffs(now: later, sessionsIdleBefore: later.addingTimeInterval(-1800), auditBefore: later.addingTimeInterval(-365 * 86_400)))
            #expect(report.revokedTokens == 1)
            #expect(report.usedAssertions == 1)
            #expect(report.sessions == 2)
            #expect(report.auditEntries == 1)
            #expect(try await store.isTokenRevoked(jti: "live"))
            #expect(try await store.session(idHash: "live", at: later) != nil)
            #expect(try await store.session(idHash: "ended", at: now) == nil)
            let actions = try await store.auditEntries(AuditFilter(), limit: 500, offset: 0).items.map(\.action)
            #expect(actions.contains("recent") && !actions.contains("ancient"))
            #expect(try await store.useAssertion(jti: "c:live", expiresAt: now.addingTimeInterval(600), at: later) == false, "a live jti still replays")

            let keepAll = try await store.prune(PruneCutoffs(now: later, sessionsIdleBefore: later.addingTimeInterval(-1800), auditBefore: nil))
            #expect(keepAll.auditEntries == 0)
        }
    }

    /// The service itself: started with the server, it prunes on its own.
    @Test func thePruningServiceRunsWithTheServer() async throws {
        try await TestApp.run(.sqlite, configure: { $0.pruneInterval = .milliseconds(50) }) { app in
            try await app.runtime.store.revokeToken(jti: "expired", expiresAt: app.clock.now.addingTimeInterval(-1))
            var gone = false
            for _ in 0..<100 where !gone {
                try await Task.sleep(for: .milliseconds(50))
                gone = try await app.runtime.store.database.withConnection { db in
                    try await db.raw("SELECT jti FROM revoked_tokens WHERE jti = 'expired'").first() == nil
                }
            }
            #expect(gone)
        }
    }

    // MARK: Races closed by constraints

    @Test(arguments: StoreKind.enabled)
    func twentyConcurrentRotationsLeaveAtMostTwoActiveSecrets(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            let path = "/companies/\(company)/service_accounts/\(account.id)/rotate_secret"
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 { group.addTask { try await app.admin(.post, path, json: ["previous_expires_in": 600]).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok || $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .created || $0 == .conflict }, "\(statuses)")
            let secrets = try await app.admin(.get, "/companies/\(company)/service_accounts/\(account.id)/secrets")
            #expect(secrets.jsonArray.count == 2)
        }
    }

    // MARK: bcrypt

    @Test func passwordHashingRunsAtMostOneJobPerThreadAndRefusesPastItsQueue() async throws {
        let executor = PasswordExecutor(threads: 2, maxAdmitted: 4)
        let gate = DispatchSemaphore(value: 0)
        let jobs = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await executor.run { gate.wait() } } }
                try await group.waitForAll()
            }
        }
        var waited = 0
        while (executor.admittedNow < 4 || executor.runningNow < 2), waited < 500 { try await Task.sleep(for: .milliseconds(10)); waited += 1 }
        try await Task.sleep(for: .milliseconds(50))
        #expect(executor.runningNow == 2, "two threads, two jobs running, two queued")
        await #expect(throws: PasswordHasherBusy.self) { try await executor.run { () } }
        for _ in 0..<4 { gate.signal() }
        try await jobs.value
        #expect(executor.peakRunning == 2)
        #expect(try await executor.run { 42 } == 42, "admission reopens once jobs finish")
    }

    // MARK: HTTP hygiene

    @Test func aWrongMethodAnswers405WithAllow() async throws {
        try await TestApp.run(.sqlite) { app in
            let token = try await app.request(.get, "/oauth/token")
            #expect(token.status == .methodNotAllowed)
            #expect(token.header("Allow") == "POST")
            #expect(token.errorCode == "method_not_allowed")
            let company = try await app.createCompany()
            let rotate = try await app.admin(.get, "/companies/\(company)/service_accounts/1/rotate_secret")
            #expect(rotate.status == .methodNotAllowed)
            #expect(rotate.header("Allow") == "POST")
            let companies = try await app.admin(.delete, "/companies")
            #expect(companies.header("Allow")?.contains("GET") == true && companies.header("Allow")?.contains("POST") == true)
            #expect(try await app.request(.get, "/no/such/path").status == .notFound)
        }
    }

    @Test func every401CarriesAChallenge() async throws {
        try await TestApp.run(.sqlite, configure: { $0.metricsToken = "metrics-token-0123456789" }) { app in
            let (company, account, _) = try await app.tenant()
            _ = try await app.createUser(company: company, email: "pat@example.com")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let form401 = try await app.request(.get, "/login")
            let csrf = String((form401.headers[values: .setCookie].first { $0.hasPrefix("gh_csrf=") } ?? "").dropFirst("gh_csrf=".count).prefix { $0 != ";" })
            let answers: [(String, HTTPResult)] = [
                ("REST without a token", try await app.request(.get, "/rest/v1.0/me")),
                ("REST with a bad token", try await app.rest(.get, "/rest/v1.0/me", token: "not.a.token", company: company)),
                ("admin without a token", try await app.request(.get, "/admin/v1/companies")),
                ("admin with a bad token", try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer \(String(repeating: "x", count: 40))"])),
                ("admin with an ended session", try await app.request(.get, "/admin/v1/companies", headers: [.cookie: "gh_session=ended"])),
                ("token with a wrong secret", try await app.token(clientID: account.clientID, secret: "wrong")),
                ("token info without a token", try await app.request(.get, "/oauth/token/info")),
                ("metrics without its token", try await app.request(.get, "/metrics")),
                ("sign-in with a wrong password", try await app.request(.post, "/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "gh_csrf=\(csrf)"],
                                                                         body: "email=pat%40example.com&password=wrong-password&csrf_token=\(csrf)")),
                ("introspection with a wrong secret", try await app.request(.post, "/oauth/introspect", headers: form, body: "token=x&client_id=\(account.clientID)&client_secret=wrong")),
            ]
            for (what, answer) in answers {
                #expect(answer.status == .unauthorized, "\(what): \(answer.status)")
                #expect(answer.header("WWW-Authenticate") != nil, "\(what) has no challenge")
            }
            #expect(answers[1].1.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
            let scraped = try await app.request(.get, "/metrics", headers: [.authorization: "Bearer metrics-token-0123456789"])
            #expect(scraped.status == .ok)
            #expect(scraped.text.contains("gatehouse_"))
        }
    }

    @Test func metricsCanListenOnTheirOwnAddress() async throws {
        let port = try await Self.freePort()
        try await TestApp.run(.sqlite, live: true, configure: { $0.metricsAddress = ("127.0.0.1", port) }) { app in
            #expect(try await app.request(.get, "/metrics").status == .notFound, "not on the main port")
            var scraped: (status: Int, body: String)?
            for _ in 0..<50 where scraped == nil {
                scraped = try? await Self.get("http://127.0.0.1:\(port)/metrics")
                if scraped == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(scraped?.status == 200)
            #expect(scraped?.body.contains("gatehouse_") == true)
        }
    }

    @Test func clientJWKSRefusesRSAKeysUnder2048Bits() async throws {
        try await TestApp.run(.sqlite) { app in
            let company = try await app.createCompany()
            let account = try await app.createServiceAccount(company: company)
            var modulus = [UInt8](repeating: 0xA5, count: 128)
            modulus[0] = 0xC1
            let n = Data(modulus).base64URLEncodedString()
            let result = try await app.admin(.put, "/companies/\(company)/service_accounts/\(account.id)/jwks",
                                             json: ["keys": [["kty": "RSA", "kid": "weak", "alg": "RS256", "n": n, "e": "AQAB"]]])
            #expect(result.status == .unprocessableContent)
            #expect(result.errorFields["keys[0].n"]?.contains("1024-bit") == true)
            #expect(ClientJWKS.modulusBits(Data([0x00, 0x01] + [UInt8](repeating: 0xFF, count: 255)).base64URLEncodedString()) == 2041)
        }
    }

    // MARK: Helpers

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// The connection limits, against a live server over raw sockets: what a slow or greedy client meets.
@Suite("Connection limits")
struct ConnectionLimitTests {
    @Test func anIdleConnectionIsClosedMidRequest() async throws {
        try await TestApp.run(.sqlite, live: true, configure: { $0.idleTimeout = .seconds(1) }) { app in
            let socket = try RawSocket(port: try #require(app.client.port))
            defer { socket.close() }
            try socket.send("GET /health HTTP/1.1\r\nHost: x\r\n")   // headers never finished
            let answer = await socket.receive(waiting: 5)
            #expect(answer.closed, "the server hangs up on a client that stops sending")
        }
    }

    @Test func headersPastTheLimitAreRefused() async throws {
        try await TestApp.run(.sqlite, live: true, configure: { $0.maxHeaderBytes = 2048 }) { app in
            let socket = try RawSocket(port: try #require(app.client.port))
            defer { socket.close() }
            try socket.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "a", count: 4096))\r\n\r\n")
            let answer = await socket.receive(waiting: 5)
            #expect(!answer.text.hasPrefix("HTTP/1.1 200"), "4 KB of headers against a 2 KB limit is not served: \(answer.text.prefix(40))")
            let small = try RawSocket(port: try #require(app.client.port))
            defer { small.close() }
            try small.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await small.receive(waiting: 5).text.hasPrefix("HTTP/1.1 200"))
        }
    }
    // The connection cap is tested against the real binary (Tests/Browser/test_process_limits.py): Hummingbird's
    // live test harness does not apply `availableConnectionsDelegate`.
}

/// A blocking TCP socket to 127.0.0.1 with a receive deadline; enough to speak HTTP/1.1 by hand.
final class RawSocket: @unchecked Sendable {
    // @unchecked: the descriptor is used from one test task at a time.
    private var descriptor: Int32

    init(port: Int) throws {
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw TestFailure("connect failed: \(errno)") }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw TestFailure("send failed") }
    }

    /// What arrives within `seconds`; `closed` when the peer hung up. The wait blocks a Dispatch thread, not
    /// one of Swift concurrency's few cooperative threads, which the server under test needs to answer.
    func receive(waiting seconds: Int) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingReceive(waiting: seconds)) }
        }
    }

    private func blockingReceive(waiting seconds: Int) -> (text: String, closed: Bool) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = Glibc.recv(descriptor, &buffer, buffer.count, 0)
        if count == 0 { return ("", true) }
        if count < 0 { return ("", errno == ECONNRESET) }
        return (String(decoding: buffer[..<count], as: UTF8.self), false)
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor); descriptor = -1 }
    }
}
