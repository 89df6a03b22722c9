import Synchronization

/// Group commit: callers hand in one item each and wait until a batch holding it has been written.
///
/// The first caller to find no write in progress becomes the writer and drains the queue in batches; callers
/// arriving meanwhile join the next batch. Under load one write (one SQLite commit, one PostgreSQL round trip)
/// carries many rows; alone, a caller waits for nothing but its own write. Nobody is answered before their
/// item is durable, so a crash loses no acknowledged row.
final class GroupCommit<Item: Sendable>: Sendable {
    private typealias Waiter = (item: Item, continuation: CheckedContinuation<Void, any Error>)

    private struct State {
        var pending: [Waiter] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let write: @Sendable ([Item]) async throws -> Void

    init(maxBatch: Int, write: @escaping @Sendable ([Item]) async throws -> Void) {
        self.maxBatch = maxBatch
        self.write = write
    }

    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let leads = state.withLock { state -> Bool in
                state.pending.append((item, continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            // Detached: the writer serves every caller in its batches, not the task that happened to lead.
            if leads { Task.detached { await self.drain() } }
        }
    }

    /// Writes batches until the queue is empty; a failed batch fails only its own callers.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let taken = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(taken.count)
                if taken.isEmpty { state.writing = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                try await write(batch.map(\.item))
                for waiter in batch { waiter.continuation.resume() }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
