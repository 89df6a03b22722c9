import Foundation
import GatehouseCore
import Logging
import Synchronization

/// `--log-format json`: one JSON object per line, for log shippers that would otherwise parse text.
///
/// Each line has `time` (ISO 8601, UTC, milliseconds), `level`, `label`, `message`, `request_id` when the
/// request middleware set one, and every other metadata key under `fields`. Secrets never reach a log line in
/// either format (see docs/security.md); this only changes the shape.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    private let write: @Sendable (String) -> Void

    /// Lines go to standard error by default, as the text format's do.
    public init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// swift-log's event entry point (the per-argument one is deprecated for handlers to implement).
    public func log(event: LogEvent) {
        var fields = metadata
        if let explicit = event.metadata { fields.merge(explicit) { _, new in new } }
        let level = event.level, message = event.message
        var object: [String: Any] = [
            "time": Self.timestamp(Date()), "level": level.rawValue, "label": label, "message": message.description,
        ]
        if let requestID = fields.removeValue(forKey: "request_id") { object["request_id"] = Self.json(requestID) }
        if !fields.isEmpty { object["fields"] = fields.mapValues(Self.json) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let dictionary): dictionary.mapValues(json)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let base = date.iso8601
        return String(base.dropLast()) + String(format: ".%03dZ", millis)
    }

    private static let stderrLock = Mutex(())

    /// One `write` per line under a lock, so lines from several threads never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        stderrLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}
