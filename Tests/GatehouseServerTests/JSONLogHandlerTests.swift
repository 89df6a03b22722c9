import Foundation
import GatehouseServer
import Logging
import Synchronization
import Testing

@Suite("JSON logs")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// One object per line: time, level, label, message, request_id at the top, every other key under `fields`.
    @Test func oneObjectPerLineWithTheRequestIDAtTheTop() throws {
        let sink = Lines()
        var logger = Logger(label: "gatehouse") { label in JSONLogHandler(label: label, write: { sink.append($0) }) }
        logger.logLevel = .info
        logger[metadataKey: "node"] = "a"
        logger.info("token issued", metadata: ["request_id": "abc123", "client": "c-1", "attempt": "\(2)"])
        logger.debug("below the level: not written")
        logger.warning("line with \"quotes\"\nand a newline")

        #expect(sink.all.count == 2)
        #expect(sink.all.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().contains("\n") == false }, "one line each")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(sink.all[0].utf8)) as? [String: Any])
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "gatehouse")
        #expect(first["message"] as? String == "token issued")
        #expect(first["request_id"] as? String == "abc123")
        #expect(first["fields"] as? [String: String] == ["client": "c-1", "attempt": "2", "node": "a"])
        let time = try #require(first["time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(time)")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(sink.all[1].utf8)) as? [String: Any])
        #expect(second["message"] as? String == "line with \"quotes\"\nand a newline")
        #expect(second["fields"] == nil || (second["fields"] as? [String: String]) == ["node": "a"])
    }

    /// The text handler writes swift-log's `StreamLogHandler` line exactly (operators' parsers read it), though it
    /// renders metadata only when it writes. Compared after the timestamp, which the two read a moment apart.
    @Test func textLinesAreStreamLogHandlerLines() throws {
        final class Stream: TextOutputStream, @unchecked Sendable {
            // @unchecked: only this test's one thread writes to it, and it reads after the logger is done.
            var text = ""
            func write(_ string: String) { text += string }
        }
        let ours = Lines(), theirs = Stream()
        struct DiskFull: Error {}
        func exercise(_ logger: inout Logger) {
            logger.logLevel = .info
            logger[metadataKey: "request_id"] = "r-1"
            logger[metadataKey: "hb.request.id"] = "7"
            logger.info("token issued", metadata: ["client": "c-1"])
            logger.debug("below the level: not written")
            logger[metadataKey: "request_id"] = nil
            logger.warning("no metadata of its own")
            logger.error("write failed", error: DiskFull())
        }
        var text = Logger(label: "gatehouse") { TextLogHandler(label: $0, write: { ours.append($0) }) }
        var stream = Logger(label: "gatehouse") { StreamLogHandler(label: $0, stream: theirs, metadataProvider: nil) }
        exercise(&text)
        exercise(&stream)
        let afterTime = { (line: Substring) in line.drop(while: { $0 != " " }) }
        let expected = theirs.text.split(separator: "\n").map(afterTime)
        #expect(expected.count == 3)
        #expect(ours.all.joined().split(separator: "\n").map(afterTime) == expected)
        #expect(ours.all.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression) != nil })
    }
}
