import Foundation
import GatehouseCore
@testable import GatehouseServer
import GatehouseStore
import Synchronization
import Testing

/// The shared counters of several nodes, counted in memory and sent in batches (`RateLimiter`).
@Suite("Rate-limit batching")
struct RateLimitBatchingTests {
    /// Counts the statements that reach the store, to show that batching saves round trips.
    final class CountingStore: RateCounterStore {
        let inner: SQLStore
        let statements = Atomic<Int>(0)
        init(_ inner: SQLStore) { self.inner = inner }
        func add(_ counts: [RateCount], pruneBefore: Int64?) async throws -> [Int] {
            statements.wrappingAdd(1, ordering: .relaxed)
            return try await inner.add(counts, pruneBefore: pruneBefore)
        }
    }

    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// Four nodes spending one budget concurrently admit the whole budget and at most 5 % more.
    @Test(arguments: StoreKind.enabled)
    func fourNodesOvershootByAtMostFivePercent(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let limit = 800
            let policy = RateLimitPolicy(hourly: limit, spike: 1_000_000, spikeWindow: 10)
            let nodes = (0..<4).map { _ in RateLimiter(policy: policy, shared: app.runtime.store) }
            let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
                for node in nodes {
                    for _ in 0..<4 {
                        group.addTask {
                            var allowed = 0
                            for _ in 0..<150 where try await node.hit(clientID: "c", companyID: 1, now: Self.now).allowed { allowed += 1 }
                            return allowed
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(admitted >= limit, "the whole budget is usable")
            #expect(admitted <= limit + limit / 20, "admitted \(admitted) of \(limit)")
            // A node that joins later reads the spent budget from the table at once.
            try await Task.sleep(for: .milliseconds(150))
            let late = RateLimiter(policy: policy, shared: app.runtime.store)
            #expect(try await late.hit(clientID: "c", companyID: 1, now: Self.now).allowed == false)
        }
    }

    /// A busy client costs one statement per batch, not one per request, and its counts still reach the table.
    @Test(arguments: StoreKind.enabled)
    func countsAreSentInBatches(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let store = CountingStore(app.runtime.store)
            let policy = RateLimitPolicy(hourly: 1_000_000, spike: 1_000_000, spikeWindow: 10)
            // 200 ms, so the bound below holds however slowly a loaded machine (the whole suite runs in parallel on two
            // cores) gets through the 1,000 calls: up to 20 s. With one statement per call it would be 1,000.
            let node = RateLimiter(policy: policy, shared: store, flushInterval: .milliseconds(200))
            for _ in 0..<1_000 { _ = try await node.hit(clientID: "busy", companyID: 7, now: Self.now) }
            let statements = store.statements.load(ordering: .relaxed)
            #expect(statements < 100, "\(statements) statements for 1,000 requests")
            // Once the interval has passed, the next request sends what was counted: the table holds all of it.
            try await Task.sleep(for: .milliseconds(250))
            let decision = try await node.hit(clientID: "busy", companyID: 7, now: Self.now)
            #expect(decision.remaining == 1_000_000 - 1_001)
            let table = try await app.runtime.store.add([RateCount(bucket: "h:busy:7", windowStart: policy.hourWindow(Self.now))], pruneBefore: nil)
            #expect(table == [1_002])
        }
    }

    @Test func aSliceIsAFractionOfTheLimitAndAtLeastOne() {
        #expect(RateLimiter.slice(of: 3600) == 22)
        #expect(RateLimiter.slice(of: 200) == 1)
        #expect(RateLimiter.slice(of: 5) == 1)
    }
}
