import Hummingbird
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// bcrypt for human passwords only, on its own bounded executor.
///
/// bcrypt is slow on purpose, so it must not run where other work waits: not on the event loops, and not on
/// `NIOThreadPool.singleton` either, which SQLite's queries share (a login flood there would stall token
/// issuance behind it). Here it gets one thread per core and a bounded queue; past the bound a sign-in is
/// refused with ``PasswordHasherBusy`` at once instead of queueing without end.
struct PasswordHasher: Sendable {
    let cost: UInt8
    let executor: PasswordExecutor

    init(cost: UInt8, executor: PasswordExecutor = .shared) {
        self.cost = cost
        self.executor = executor
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await executor.run { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await executor.run { Bcrypt.verify(password, hash: hash) }
    }
}

/// Too many password checks are already waiting: 503 with `Retry-After`, wherever it surfaces.
struct PasswordHasherBusy: HTTPResponseError {
    var status: HTTPResponse.Status { .serviceUnavailable }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(.serviceUnavailable, code: "busy", message: "too many password checks are in progress; retry shortly",
                     headers: [.retryAfterHeader: "1"]).response(from: request, context: context)
    }
}

/// A thread pool with one thread per core and a cap on jobs admitted (running plus queued).
final class PasswordExecutor: Sendable {
    /// Shared by every application in the process: the bound is about the machine's cores, not one server.
    static let shared = PasswordExecutor(threads: System.coreCount, maxAdmitted: 16 * System.coreCount)

    let threads: Int
    let maxAdmitted: Int
    private let pool: NIOThreadPool
    private let admitted = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    /// The most jobs ever seen running at once; tests read it to show the bound holds.
    private let peak = Atomic<Int>(0)

    init(threads: Int, maxAdmitted: Int) {
        self.threads = max(1, threads)
        self.maxAdmitted = max(1, maxAdmitted)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Puts this thread in Linux's `SCHED_IDLE` class (or, failing that, at nice 19). The threads may take every
    /// core, but any request thread that wants a core preempts them at once, so a login flood spends only the
    /// CPU that token issuance and REST calls leave idle.
    private static func yieldToRequests() {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        if sched_setscheduler(0, 5 /* SCHED_IDLE */, &parameters) != 0 {
            // On Linux the nice value is per thread, and `who == 0` names the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        }
        #endif
    }

    var peakRunning: Int { peak.load(ordering: .relaxed) }
    var admittedNow: Int { admitted.load(ordering: .relaxed) }
    var runningNow: Int { running.load(ordering: .relaxed) }

    func run<T: Sendable>(_ job: @escaping @Sendable () -> T) async throws -> T {
        let (_, now) = admitted.wrappingAdd(1, ordering: .relaxed)
        defer { admitted.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= maxAdmitted else { throw PasswordHasherBusy() }
        return try await pool.runIfActive {
            Self.yieldToRequests()
            let (_, current) = self.running.wrappingAdd(1, ordering: .relaxed)
            defer { self.running.wrappingSubtract(1, ordering: .relaxed) }
            var seen = self.peak.load(ordering: .relaxed)
            while current > seen {
                let (exchanged, original) = self.peak.compareExchange(expected: seen, desired: current, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            return job()
        }
    }
}
