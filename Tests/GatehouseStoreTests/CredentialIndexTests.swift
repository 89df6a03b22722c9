import Foundation
import GatehouseCore
@testable import GatehouseStore
import SQLKit
import Testing

/// The preloaded credential index answers from memory, and never after a change it has not read.
@Suite("Credential index")
struct CredentialIndexTests {
    private static func account(_ store: SQLStore, company: Int64, _ n: Int) async throws -> ServiceAccount {
        try await store.createServiceAccount(NewServiceAccount(
            companyID: company, name: "Bot \(n)", appType: .custom, appID: nil, clientID: "cid-\(n)",
            secretHash: "hmac-sha256$k$secret-\(n)", contactEmail: "svc-\(n)@serviceaccounts.test"
        ), at: Date())
    }

    /// Waits (up to 10 s) until the index holds `count` clients and still answers 100 ms later; the first lookup
    /// after a change starts its reload. (On PostgreSQL a node also hears its own commits' notifications, a few
    /// milliseconds after they commit, and each makes the index stale once more.)
    private static func loaded(_ store: SQLStore, count: Int) async throws {
        for _ in 0..<400 {
            _ = try await store.clientRecord(clientID: "cid-1")
            if store.caches.credentials.count == count, !store.caches.credentials.lookup("cid-1").isUnknown {
                try await Task.sleep(for: .milliseconds(100))
                if !store.caches.credentials.lookup("cid-1").isUnknown { return }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the index never held \(count) clients (holds \(store.caches.credentials.count))")
    }

    /// A secret deleted behind the store's back (no change announced) is still answered: proof the index, not the
    /// database, answers. The next announced change makes the index stale at once, and every answer after it is
    /// the database's, until the reload has read that change too.
    @Test(arguments: StoreKind.enabled)
    func answersFromMemoryAndNeverPastAChange(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let database = try open()
            let store = SQLStore(database: database, cacheTTL: .seconds(60))
            try await store.migrate(logger: TestStore.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // On PostgreSQL the index answers only while this node listens for changes.
                group.addTask { await database.listenForChanges(logger: TestStore.logger) }
                while !database.changes.isComplete { try await Task.sleep(for: .milliseconds(10)) }

                let company = try await store.createCompany(name: "Acme")
                let first = try await Self.account(store, company: company.id, 1)
                let second = try await Self.account(store, company: company.id, 2)
                try await Self.loaded(store, count: 2)

                // Behind the store's back: the index still answers with the secret.
                try await database.withWriter { db in try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: first.client.id)").run() }
                #expect(try await store.clientRecord(clientID: "cid-1")?.secrets.count == 1, "the index answered, not the database")
                #expect(try await store.clientRecord(clientID: "cid-unknown") == nil, "an unknown id is absent without a read")

                // An announced change (another client disabled): the very next read sees the database.
                try await store.setClientEnabled(clientPK: second.client.id, enabled: false, at: Date())
                #expect(try await store.clientRecord(clientID: "cid-2")?.client.isEnabled == false)
                #expect(try await store.clientRecord(clientID: "cid-1")?.secrets.isEmpty == true)

                // A client created after the load is found at once, and the reload takes it in.
                _ = try await Self.account(store, company: company.id, 3)
                #expect(try await store.clientRecord(clientID: "cid-3")?.secrets.count == 1)
                try await Self.loaded(store, count: 3)
                #expect(try await store.clientRecord(clientID: "cid-3")?.secrets.count == 1)
                #expect(try await store.clientRecord(clientID: "cid-2")?.client.isEnabled == false)
                group.cancelAll()
            }
        }
    }

    /// On PostgreSQL a node whose listener is down cannot hear other nodes' changes, so its index stops answering
    /// until it listens again; another node's change reaches its index through the notification.
    @Test(arguments: StoreKind.enabled.filter { $0 == .postgres })
    func anotherNodesChangeReachesTheIndex(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let databaseA = try open(), databaseB = try open()
            let nodeA = SQLStore(database: databaseA, cacheTTL: .seconds(60)), nodeB = SQLStore(database: databaseB, cacheTTL: .seconds(60))
            try await nodeA.migrate(logger: TestStore.logger)
            #expect(!databaseB.changes.isComplete, "no listener yet: the feed cannot be trusted alone")
            let company = try await nodeA.createCompany(name: "Acme")
            let first = try await Self.account(nodeA, company: company.id, 1)
            _ = try await nodeB.clientRecord(clientID: "cid-1")
            try await Task.sleep(for: .milliseconds(300))
            _ = try await nodeB.clientRecord(clientID: "cid-1")
            #expect(nodeB.caches.credentials.count == 0, "no index is loaded while the feed is incomplete")

            let listener = Task { await databaseB.listenForChanges(logger: TestStore.logger) }
            while !databaseB.changes.isComplete { try await Task.sleep(for: .milliseconds(10)) }
            try await Self.loaded(nodeB, count: 1)

            try await nodeA.setClientEnabled(clientPK: first.client.id, enabled: false, at: Date())
            var seen = false
            for _ in 0..<100 where !seen {
                seen = try await nodeB.clientRecord(clientID: "cid-1")?.client.isEnabled == false
                if !seen { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(seen, "node B's index followed node A's change within a second")

            listener.cancel()
            await listener.value
            #expect(!databaseB.changes.isComplete)
            #expect(nodeB.caches.credentials.lookup("cid-1").isUnknown, "a node that stopped listening does not answer from its index")
        }
    }
}

extension CredentialIndex.Answer {
    var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}
