import Foundation
import GatehouseCore
import GatehouseStore
import SQLKit
import Testing

@Suite("SQLStore")
struct SQLStoreTests {
    @Test(arguments: StoreKind.enabled)
    func createServiceAccountWritesContactEntryClientSecretAndAccount(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let store = SQLStore(database: try open())
            try await store.migrate(logger: TestStore.logger)
            let company = try await store.createCompany(name: "Acme")
            let account = try await store.createServiceAccount(NewServiceAccount(
                companyID: company.id, name: "Bot", appType: .custom, appID: nil, clientID: "cid-1",
                secretHash: "hmac-sha256$k$abc", contactEmail: "svc-bot@serviceaccounts.test"
            ), at: Date())
            #expect(account.client.generation == 1)
            #expect(account.client.isEnabled)
            let contact = try #require(try await store.person(id: account.contactID))
            #expect(contact.kind == .serviceAccountContact)
            #expect(contact.homeCompanyID == company.id)
            let record = try #require(try await store.clientRecord(clientID: "cid-1"))
            #expect(record.secrets.map(\.hash) == ["hmac-sha256$k$abc"])
            #expect(record.serviceAccount?.id == account.id)
            let permissions = try await store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM company_permissions").first()!.decode(column: "n", as: Int.self)
            }
            #expect(permissions == 0, "a new account starts with no permission rows, i.e. none everywhere")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aFailedMultiRowWriteLeavesNothingBehind(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let store = SQLStore(database: try open())
            try await store.migrate(logger: TestStore.logger)
            let company = try await store.createCompany(name: "Acme")
            _ = try await store.createServiceAccount(NewServiceAccount(
                companyID: company.id, name: "Bot", appType: .custom, appID: nil, clientID: "dup",
                secretHash: "h", contactEmail: "a@serviceaccounts.test"
            ), at: Date())
            // Same client_id: the contact and entry are written first, then the client insert fails.
            await #expect(throws: (any Error).self) {
                try await store.createServiceAccount(NewServiceAccount(
                    companyID: company.id, name: "Bot 2", appType: .custom, appID: nil, clientID: "dup",
                    secretHash: "h", contactEmail: "b@serviceaccounts.test"
                ), at: Date())
            }
            let people = try await store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM people").first()!.decode(column: "n", as: Int.self)
            }
            #expect(people == 1, "the second contact was rolled back with the failed transaction")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func duplicateEmailIsAConflict(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let store = SQLStore(database: try open())
            try await store.migrate(logger: TestStore.logger)
            let company = try await store.createCompany(name: "Acme")
            let user = NewUser(companyID: company.id, firstName: "A", lastName: "B", email: "a@b.test", jobTitle: nil, passwordHash: nil)
            _ = try await store.createUser(user)
            await #expect(throws: StoreError.self) { try await store.createUser(user) }
            var upper = user
            upper.email = "A@B.TEST"
            await #expect(throws: StoreError.self) { try await store.createUser(upper) }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func projectsPageInIDOrderWithATotal(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let store = SQLStore(database: try open())
            try await store.migrate(logger: TestStore.logger)
            let company = try await store.createCompany(name: "Acme")
            for i in 1...5 { _ = try await store.createProject(Project(companyID: company.id, name: "P\(i)")) }
            let page = try await store.projects(companyID: company.id, limit: 2, offset: 2, activeOnly: false)
            #expect(page.total == 5)
            #expect(page.items.map(\.name) == ["P3", "P4"])
        }
    }
}

@Suite("Rate counters")
struct RateCounterTests {
    /// Two "nodes" (two pools) counting the same bucket concurrently never lose an increment.
    @Test(arguments: StoreKind.enabled)
    func concurrentIncrementsFromTwoNodesAreExact(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let a = SQLStore(database: try open()), b = SQLStore(database: try open())
            try await a.migrate(logger: TestStore.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in [a, b] {
                    group.addTask {
                        for _ in 0..<25 { _ = try await store.increment([(bucket: "k", windowStart: 100)], pruneBefore: nil) }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await a.increment([(bucket: "k", windowStart: 100), (bucket: "k", windowStart: 200)], pruneBefore: nil)
            #expect(final == [51, 1])
            _ = try await a.increment([(bucket: "k", windowStart: 300)], pruneBefore: 250)
            #expect(try await a.increment([(bucket: "k", windowStart: 100)], pruneBefore: nil) == [1], "old windows were pruned")
        }
    }
}
