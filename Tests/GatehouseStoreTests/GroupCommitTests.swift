import Foundation
import GatehouseCore
@testable import GatehouseStore
import Synchronization
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    final class Log: Sendable {
        let batches = Mutex<[[Int]]>([])
    }

    @Test func everyItemIsWrittenOnceAndConcurrentItemsShareWrites() async throws {
        let log = Log()
        let commits = GroupCommit<Int>(maxBatch: 50) { items in
            try await Task.sleep(for: .milliseconds(5))   // a commit's latency, during which others queue
            log.batches.withLock { $0.append(items) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 { group.addTask { try await commits.submit(i) } }
            try await group.waitForAll()
        }
        let batches = log.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<200), "each item exactly once, and only after its write")
        #expect(batches.count < 200, "concurrent items share commits (\(batches.count) writes)")
        #expect(batches.allSatisfy { $0.count <= 50 })
    }

    @Test func aFailedWriteFailsItsOwnCallersOnly() async throws {
        let log = Log()
        let commits = GroupCommit<Int>(maxBatch: 10) { items in
            let first = log.batches.withLock { batches -> Bool in batches.append(items); return batches.count == 1 }
            if first { throw DomainError(.invalid, "disk full") }
        }
        await #expect(throws: DomainError.self) { try await commits.submit(1) }
        try await commits.submit(2)
    }

    @Test(arguments: StoreKind.enabled)
    func concurrentAuditRowsAllLand(_ kind: StoreKind) async throws {
        try await TestStore.with(kind) { open in
            let store = SQLStore(database: try open())
            try await store.migrate(logger: TestStore.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<120 {
                    group.addTask {
                        try await store.append(AuditEntry(at: Date(), actor: "client:\(i)", action: "token.issue", target: nil, outcome: "success", requestID: "r\(i)"))
                    }
                }
                try await group.waitForAll()
            }
            let (items, total) = try await store.auditEntries(AuditFilter(action: "token.issue"), limit: 500, offset: 0)
            #expect(total == 120)
            #expect(Set(items.compactMap(\.requestID)) == Set((0..<120).map { "r\($0)" }))
        }
    }
}
