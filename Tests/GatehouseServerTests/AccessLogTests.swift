import Foundation
@testable import GatehouseServer
import HTTPTypes
import Logging
import Synchronization
import Testing

/// The batched access log `gatehouse serve` writes (issue 27): a request only queues its line; the writer
/// writes batches, and once more at graceful shutdown; a full queue drops and counts, never blocks.
@Suite("Access log")
struct AccessLogTests {
    final class Batches: Sendable {
        private let batches = Mutex<[String]>([])
        func write(_ batch: String) { batches.withLock { $0.append(batch) } }
        var count: Int { batches.withLock { $0.count } }
        var lines: [String] { batches.withLock { $0.joined().split(separator: "\n").map(String.init) } }
    }

    static var infoLogger: Logger {
        var logger = Logger(label: "test") { _ in CapturingLogHandler(sink: LogSink()) }
        logger.logLevel = .info
        return logger
    }

    /// A real server, a flush interval far longer than the test, and a graceful shutdown at its end: every line
    /// is there, once, in order, each with the request id the client saw and never the query string.
    @Test func noLineIsLostAtAGracefulShutdown() async throws {
        let batches = Batches()
        let log = AccessLog(format: .json, flushInterval: .seconds(3600), write: batches.write)
        let ids = try await TestApp.run(.sqlite, logger: Self.infoLogger, live: true, configure: { $0.accessLog = log }) { app -> [String] in
            var ids: [String] = []
            for i in 0..<40 {
                let uri = i % 4 == 3 ? "/no/such/page?client_secret=s3cr3t-\(i)" : "/health?client_secret=s3cr3t-\(i)"
                let response = try await app.request(.get, uri)
                ids.append(try #require(response.header("X-Request-Id")))
            }
            #expect(batches.count == 0, "nothing is written before the interval or the shutdown")
            return ids
        }
        let lines = batches.lines
        #expect(lines.count == 40)
        let parsed = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(parsed.compactMap { $0["request_id"] as? String } == ids)
        for (i, line) in parsed.enumerated() {
            let fields = try #require(line["fields"] as? [String: String])
            #expect(fields["path"] == (i % 4 == 3 ? "/no/such/page" : "/health"))
            #expect(fields["status"] == (i % 4 == 3 ? "404" : "200"))
            #expect(fields["method"] == "GET")
            #expect(line["message"] as? String == "request" && line["level"] as? String == "info")
        }
        #expect(!lines.joined().contains("s3cr3t"))
        #expect(log.dropped == 0)
    }

    /// A queue of three takes three lines; the rest are dropped at once (the requests still answer) and counted,
    /// in the log and in `/metrics`. The text shape is swift-log's stream handler's.
    @Test func aFullQueueDropsAndCountsNeverBlocks() async throws {
        let batches = Batches()
        let metrics = GatehouseMetrics()
        let log = AccessLog(format: .text, capacity: 3, flushInterval: .seconds(3600), write: batches.write, onDrop: { metrics.accessLogDropped($0) })
        try await TestApp.run(.sqlite, logger: Self.infoLogger, configure: { $0.accessLog = log; $0.metrics = metrics }) { app in
            for _ in 0..<5 { #expect(try await app.request(.get, "/health").status == .ok) }
            #expect(log.dropped == 2)
            let scrape = try await app.request(.get, "/metrics")
            #expect(scrape.text.contains("gatehouse_access_log_dropped_total 2"))
            log.flush()
            let lines = batches.lines
            #expect(lines.count == 3)
            let shape = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info gatehouse: method=GET path=/health request_id=[0-9a-f]{16} status=200 \[GatehouseServer\] request$/#
            #expect(lines.allSatisfy { $0.wholeMatch(of: shape) != nil }, "\(lines)")
            // Emptied by the flush, the queue takes lines again.
            _ = try await app.request(.get, "/health")
            log.flush()
            #expect(batches.lines.count == 4)
        }
    }

    /// Above `info` (LOG_LEVEL=warning) there is no access log at all: nothing is queued.
    @Test func aQuietLoggerQueuesNothing() async throws {
        let batches = Batches()
        let log = AccessLog(format: .text, flushInterval: .seconds(3600), write: batches.write)
        try await TestApp.run(.sqlite, configure: { $0.accessLog = log }) { app in
            _ = try await app.request(.get, "/health")
            log.flush()
            #expect(batches.count == 0)
        }
    }

    /// Paths are the client's: quotes, backslashes and control characters cannot break a JSON line, and they are
    /// escaped exactly as `JSONLogHandler`'s `JSONSerialization` escapes them.
    @Test func jsonLinesEscapeWhatThePathHolds() throws {
        for path in ["/a\"b\\c\n\u{1}é", "/plain/path", "/\u{8}\u{C}\u{7F}\t/x"] {
            var text = ""
            JSONText.appendString(path, to: &text)
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
            #expect(decoded == [path])
            let serialized = try JSONSerialization.data(withJSONObject: [path], options: [.withoutEscapingSlashes])
            #expect("[\(text)]" == String(decoding: serialized, as: UTF8.self))
        }
    }
}
