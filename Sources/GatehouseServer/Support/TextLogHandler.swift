import Foundation
import Logging

/// `--log-format text` (the default): swift-log's `StreamLogHandler` line, byte for byte, with the metadata
/// rendered when a line is written instead of whenever metadata is set.
///
/// Why not `StreamLogHandler` itself: it re-renders its whole metadata string on every `metadata[key] = …`, so
/// that logging is cheap. A request sets metadata twice (Hummingbird's `hb.request.id`, then our `request_id`)
/// and, with the access log batched apart (``AccessLog``), usually logs nothing, so that rendering was wasted
/// on every request: 3 % of the server's CPU on `/me` at the default level (`bench/RESULTS.md`, issue 27).
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    private let write: @Sendable (String) -> Void

    /// Lines go to standard error, as `StreamLogHandler.standardError`'s did.
    public init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let explicit = event.metadata { fields.merge(explicit) { _, new in new } }
        if let error = event.error {
            fields["error.message"] = "\(error)"
            fields["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let rendered = fields.isEmpty ? "" : " " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        write("\(AccessLog.localTimestamp(Int64(time(nil)))) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(rendered) [\(event.source)] \(event.message)\n")
    }
}
