import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The access log as `gatehouse serve` writes it: one line per request at `info`, queued in memory and written
/// in batches by one writer, the way nginx's `access_log … buffer=` and Envoy's flush interval do.
///
/// Why not a `logger.info` per request: swift-log's stream handler formats and flushes each line under a lock
/// on the request's own thread, which cost 16–20 % of token and `/me` throughput and 40 % of `/health` (issue 27).
/// Here a request only appends a small value to a bounded queue. The writer formats the batch (in the same text
/// or JSON shape as every other log line) and writes it in one call, at least every ``flushInterval`` and at
/// graceful shutdown, after the listener has closed. When the queue is full the line is dropped and counted
/// (`gatehouse_access_log_dropped_total`); a request never waits for the log.
public final class AccessLog: Sendable {
    /// The shape of a line, as `--log-format` names it.
    public enum Format: String, Sendable { case text, json }

    /// What one request leaves behind. Only the path, never the query string or a header, so a secret put in a
    /// URL or an `Authorization` header cannot reach the log.
    struct Entry: Sendable {
        let time: Date
        let method: String
        let path: String
        let status: Int
        let requestID: String
    }

    private struct State {
        var queue: [Entry] = []
        var dropped = 0
    }

    public let format: Format
    public let capacity: Int
    public let flushInterval: Duration
    private let label: String
    private let write: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// One writer at a time, so batches leave in order.
    private let writing = Mutex(())
    private let onDrop: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - capacity: lines held between two writes; at 20k requests a second and 100 ms that is 2,000, so the
    ///     default leaves room for a stalled disk before a line is dropped.
    ///   - write: receives one batch of whole lines; standard error by default, in one `write` per batch.
    ///   - onDrop: told how many lines a full queue refused, for the metric.
    public init(format: Format, label: String = "gatehouse", capacity: Int = 16_384, flushInterval: Duration = .milliseconds(100),
                write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError, onDrop: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.format = format
        self.label = label
        self.capacity = max(1, capacity)
        self.flushInterval = flushInterval
        self.write = write
        self.onDrop = onDrop
    }

    /// Queues one line; never blocks beyond the append. A full queue drops the line and counts it.
    func record(_ entry: Entry) {
        let accepted = state.withLock { state -> Bool in
            guard state.queue.count < capacity else {
                state.dropped += 1
                return false
            }
            state.queue.append(entry)
            return true
        }
        if !accepted { onDrop(1) }
    }

    /// Lines refused by a full queue since start.
    public var dropped: Int { state.withLock { $0.dropped } }

    /// Writes every queued line, in order, in one call. The writer task calls it every ``flushInterval`` and at
    /// shutdown; tests may call it directly.
    public func flush() {
        writing.withLock { _ in
            let batch = state.withLock { state -> [Entry] in
                defer { state.queue.removeAll(keepingCapacity: true) }
                return state.queue
            }
            guard !batch.isEmpty else { return }
            var text = ""
            text.reserveCapacity(batch.count * 140)
            var clock = Timestamps()
            for entry in batch { append(entry, to: &text, clock: &clock) }
            write(text)
        }
    }

    private func append(_ entry: Entry, to text: inout String, clock: inout Timestamps) {
        switch format {
        case .text:
            // swift-log's StreamLogHandler shape, so access lines and other lines read alike.
            text += clock.local(entry.time)
            text += " info \(label): method=\(entry.method) path=\(entry.path) request_id=\(entry.requestID) status=\(entry.status) [GatehouseServer] request\n"
        case .json:
            // JSONLogHandler's shape (sorted keys), written by hand: it is the hot loop of the writer.
            text += "{\"fields\":{\"method\":"
            JSONText.appendString(entry.method, to: &text)
            text += ",\"path\":"
            JSONText.appendString(entry.path, to: &text)
            text += ",\"status\":\"\(entry.status)\"},\"label\":"
            JSONText.appendString(label, to: &text)
            text += ",\"level\":\"info\",\"message\":\"request\",\"request_id\":"
            JSONText.appendString(entry.requestID, to: &text)
            text += ",\"time\":\"\(clock.utcMillis(entry.time))\"}\n"
        }
    }

    /// `2026-12-03T10:44:45+0000`: a Unix second in local time, as swift-log's StreamLogHandler prints it (and so
    /// ``TextLogHandler``).
    static func localTimestamp(_ second: Int64) -> String {
        var seconds = time_t(second)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Formats times for one batch, reusing the text of the last second: a batch spans at most a few seconds.
    private struct Timestamps {
        private var localSecond: Int64 = .min
        private var localText = ""
        private var utcSecond: Int64 = .min
        private var utcPrefix = ""

        /// `2026-12-03T10:44:45+0000`, local time, as StreamLogHandler prints it.
        mutating func local(_ date: Date) -> String {
            let second = date.unixSeconds
            if second != localSecond {
                localSecond = second
                localText = AccessLog.localTimestamp(second)
            }
            return localText
        }

        /// `2026-12-03T10:44:45.123Z`, as JSONLogHandler prints it.
        mutating func utcMillis(_ date: Date) -> String {
            let second = date.unixSeconds
            if second != utcSecond {
                utcSecond = second
                utcPrefix = String(Date(timeIntervalSince1970: TimeInterval(second)).iso8601.dropLast())
            }
            let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
            let digits = String(millis)
            return utcPrefix + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
        }
    }
}

/// The access log's writer: flushes every interval while the server runs, and once more at graceful shutdown.
/// Added after the HTTP server, so the service group stops it after the listener has closed and the requests in
/// flight have finished: their lines are in the last batch.
struct AccessLogService: Service {
    let log: AccessLog

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // The wait ends early at graceful shutdown, so the last batch does not wait out an interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: log.flushInterval) }
            log.flush()
        }
        log.flush()
    }
}
